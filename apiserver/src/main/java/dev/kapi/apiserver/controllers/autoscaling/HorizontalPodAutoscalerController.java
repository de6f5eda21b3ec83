package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * kube-controller-manager's horizontal-pod-autoscaler controller for autoscaling/v2 HPAs with Resource metrics
 * (cpu and memory, Utilization or AverageValue) over the simulated usage: every sync period (kube's
 * {@code --horizontal-pod-autoscaler-sync-period}, 15 s) each HPA reads its target's scale, computes the replicas
 * each metric wants ({@link ReplicaCalculator}, the largest wins), stabilizes and rate-limits them
 * ({@link ScalingBehavior}), writes the target's {@code scale} subresource when they differ and then the HPA's
 * status: replicas, current metrics, lastScaleTime and the AbleToScale, ScalingActive and ScalingLimited
 * conditions with kube's reasons, and its Events on the HPA, source {@code horizontal-pod-autoscaler}:
 * {@code SuccessfulRescale}, and Warnings {@code FailedGetScale}, {@code FailedGetResourceMetric} (or another
 * type's, one per failing metric), {@code FailedComputeMetricsReplicas} (when every metric failed),
 * {@code FailedRescale}; the same one again raises the count of the last. Writes go through the
 * {@link WritePipeline} as {@code system:serviceaccount:kube-system:horizontal-pod-autoscaler}.
 */
final class HorizontalPodAutoscalerController extends Controller {

    static final String NAME = "horizontal-pod-autoscaler-controller";
    /** kube's service account of the controller (--use-service-account-credentials). */
    static final UserInfo USER = SystemUsers.controller("horizontal-pod-autoscaler");

    private final Informer<HorizontalPodAutoscaler> hpas;
    private final Informer<Pod> pods;
    private final Store<HorizontalPodAutoscaler> store;
    private final ScaleTargets targets;
    private final WritePipeline writes;
    private final Duration syncPeriod;
    private final Clock clock;
    private final ScalingBehavior behavior;
    private final ReplicaCalculator calculator;
    private final EventRecorder events;

    HorizontalPodAutoscalerController(Informer<HorizontalPodAutoscaler> hpas, Informer<Pod> pods,
                                      Informer<Node> nodes, Store<HorizontalPodAutoscaler> store,
                                      ScaleTargets targets, WritePipeline writes, EventRecorder events,
                                      Duration syncPeriod, Duration downscaleStabilization, Clock clock) {
        super(NAME, 2, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)), List.of(hpas, pods, nodes));
        this.hpas = hpas;
        this.pods = pods;
        this.store = store;
        this.targets = targets;
        this.writes = writes;
        this.events = events;
        this.syncPeriod = syncPeriod;
        this.clock = clock;
        this.behavior = new ScalingBehavior(downscaleStabilization);
        this.calculator = new ReplicaCalculator(name -> nodes.cache().get(null, name), clock);
        hpas.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(HorizontalPodAutoscaler obj) {
                queue.add(key(obj));
            }

            @Override
            public void onUpdate(HorizontalPodAutoscaler old, HorizontalPodAutoscaler obj) {
                // kube queues only spec changes; its own status writes wait for the next period
                if (!Objects.equals(old.getSpec(), obj.getSpec())) {
                    queue.add(key(obj));
                }
            }

            @Override
            public void onDelete(HorizontalPodAutoscaler obj) {
                queue.add(key(obj));
            }
        });
    }

    private static String key(HorizontalPodAutoscaler h) {
        return h.getMetadata().getNamespace() + "/" + h.getMetadata().getName();
    }

    @Override
    protected boolean reconcile(String key) {
        String[] nsName = key.split("/", 2);
        HorizontalPodAutoscaler hpa = hpas.cache().get(nsName[0], nsName[1]);
        if (hpa == null) {
            behavior.forget(key);
            events.forget(key);
            return true;
        }
        try {
            reconcile(key, hpa);
        } finally {
            queue.addAfter(key, syncPeriod);
        }
        return true;
    }

    private void reconcile(String key, HorizontalPodAutoscaler hpa) {
        HpaStatus status = new HpaStatus(hpa, clock.instant());
        String namespace = hpa.getMetadata().getNamespace();
        Scale scale;
        try {
            scale = targets.scale(namespace, hpa.getSpec().getScaleTargetRef());
        } catch (StatusError | ScaleTargets.NoScale e) {
            events.warning(hpa, "FailedGetScale", message(e));
            status.set("AbleToScale", "False", "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + message(e));
            writeStatus(hpa, status.build(currentReplicas(hpa), desiredReplicas(hpa), currentMetrics(hpa), false));
            return;
        }
        status.set("AbleToScale", "True", "SucceededGetScale",
                "the HPA controller was able to get the target's current scale");
        int current = ScaleAccess.desiredReplicas(scale);
        behavior.recordInitial(key, current, clock.instant());
        int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        int max = hpa.getSpec().getMaxReplicas();
        List<MetricStatus> metrics = List.of();
        int desired;
        boolean rescale = true;
        String reason = "";
        if (current == 0 && min != 0) {
            desired = 0;
            rescale = false;
            status.set("ScalingActive", "False", "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero");
        } else if (current > max) {
            desired = max;
            reason = "Current number of replicas above Spec.MaxReplicas";
        } else if (current < min) {
            desired = min;
            reason = "Current number of replicas below Spec.MinReplicas";
        } else if (scale.getStatus() == null || scale.getStatus().getSelector() == null
                || scale.getStatus().getSelector().isEmpty()) {
            events.warning(hpa, "SelectorRequired", "selector is required");
            status.set("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
            writeStatus(hpa, status.build(current, desiredReplicas(hpa), currentMetrics(hpa), false));
            return;
        } else {
            List<Pod> selected = selected(namespace, scale.getStatus().getSelector());
            MetricsProposal proposal = MetricsProposal.of(calculator, hpa.getSpec().getMetrics(), current, selected);
            proposal.failures().forEach(f -> events.warning(hpa, f.reason(), f.message()));
            if (proposal.replicas() < 0) {
                if (proposal.invalidMetrics() != null) {
                    events.warning(hpa, "FailedComputeMetricsReplicas", proposal.invalidMetrics());
                } else {
                    events.warning(hpa, proposal.reason(), proposal.error());
                }
                status.set("ScalingActive", "False", proposal.reason(),
                        "the HPA was unable to compute the replica count: " + proposal.error());
                // kube keeps the desired replicas and metrics it last wrote
                writeStatus(hpa, status.build(current, desiredReplicas(hpa), currentMetrics(hpa), false));
                return;
            }
            metrics = proposal.statuses();
            reason = proposal.replicas() > current ? proposal.metricName() + " above target"
                    : proposal.replicas() < current ? "All metrics below target" : "";
            status.set("ScalingActive", "True", "ValidMetricFound",
                    "the HPA was able to successfully calculate a replica count from " + proposal.metricName());
            ScalingBehavior.Outcome outcome = behavior.normalize(key, hpa.getSpec().getBehavior(), min, max, current,
                    proposal.replicas(), clock.instant());
            status.set("AbleToScale", "True", outcome.ableReason(), outcome.ableMessage());
            status.set("ScalingLimited", outcome.limited() ? "True" : "False", outcome.limitReason(),
                    outcome.limitMessage());
            desired = outcome.replicas();
            rescale = desired != current;
        }
        if (rescale) {
            try {
                targets.updateScale(namespace, hpa.getSpec().getScaleTargetRef(), desired);
                behavior.scaled(key, hpa.getSpec().getBehavior(), current, desired, clock.instant());
                events.normal(hpa, "SuccessfulRescale", "New size: " + desired + "; reason: " + reason);
                status.set("AbleToScale", "True", "SucceededRescale",
                        "the HPA controller was able to update the target scale to " + desired);
            } catch (StatusError | ScaleTargets.NoScale e) {
                events.warning(hpa, "FailedRescale", "New size: " + desired + "; reason: " + reason + "; error: "
                        + message(e));
                status.set("AbleToScale", "False", "FailedUpdateScale",
                        "the HPA controller was unable to update the target scale: " + message(e));
                writeStatus(hpa, status.build(current, desiredReplicas(hpa), currentMetrics(hpa), false));
                return;
            }
        }
        // not rescaled: kube writes the current replicas as the desired ones
        writeStatus(hpa, status.build(current, rescale ? desired : current, metrics, rescale));
    }

    private List<Pod> selected(String namespace, String selector) {
        LabelSelector labels = LabelSelector.parse(selector);
        return pods.cache().list(namespace).stream().filter(p -> labels.matches(
                p.getMetadata().getLabels() == null ? java.util.Map.of() : p.getMetadata().getLabels()))
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    private void writeStatus(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status) {
        if (Json.sameJson(hpa.getStatus(), status)) {
            return;
        }
        try {
            writes.update(WriteScope.of(store, hpa.getMetadata().getNamespace(), USER).subresource("status"),
                    hpa.getMetadata().getName(), current -> {
                current.setStatus(status);
                return current;
            }, OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    private static String message(Exception e) {
        return e instanceof StatusError s ? s.status().getMessage() : e.getMessage();
    }

    private static int currentReplicas(HorizontalPodAutoscaler hpa) {
        return hpa.getStatus() == null || hpa.getStatus().getCurrentReplicas() == null ? 0
                : hpa.getStatus().getCurrentReplicas();
    }

    private static int desiredReplicas(HorizontalPodAutoscaler hpa) {
        return hpa.getStatus() == null || hpa.getStatus().getDesiredReplicas() == null ? 0
                : hpa.getStatus().getDesiredReplicas();
    }

    private static List<MetricStatus> currentMetrics(HorizontalPodAutoscaler hpa) {
        return hpa.getStatus() == null ? null : hpa.getStatus().getCurrentMetrics();
    }

    static String time(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerRunner;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.metrics.SimulatedUsage;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import dev.kapi.apiserver.registry.ListParams;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The horizontal-pod-autoscaler controller on a real etcd, one namespace per case: a Deployment with pods Running
 * and Ready on a simulated node, each using what its {@code kapi.dev/simulated-usage} says, and an HPA on it; the
 * case's replicas and conditions are what kube's controller would write after its first rescale (an injected sync
 * period of 2 s keeps them there long enough to be seen). The default downscale stabilization injected is an hour.
 */
@ExtendWith(EtcdExtension.class)
class HorizontalPodAutoscalerControllerTest {

    static Storage storage;
    static StoreRegistry stores;
    static ControllerRunner runner;

    @BeforeAll
    static void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        Writes.create(store("", "v1", "nodes", Node.class), null, new NodeBuilder().withNewMetadata()
                .withName("kapi-node-0").withAnnotations(Map.of(SimulatedUsage.NODE_ANNOTATION, "true"))
                .endMetadata().build());
        SharedInformers informers = new SharedInformers(stores);
        ControllerContext context = new ControllerContext(stores, Writes.PIPELINE, informers, 0, Duration.ofSeconds(2));
        runner = ControllerRunner.start(informers, AutoscalingControllers.create(context, Duration.ofSeconds(2),
                Duration.ofHours(1), Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        runner.close();
        storage.close();
    }

    /** A case: the deployment's replicas and pods, the HPA, and what must follow. */
    record Case(String name, int replicas, int pods, String usage, String cpuRequest, MetricSpec metric,
                Integer scaleDownWindow, int min, int max, String target, int expectedReplicas,
                Map<String, String> conditions, String message, boolean justStarted) {

        Case(String name, int replicas, int pods, String usage, String cpuRequest, MetricSpec metric,
             Integer scaleDownWindow, int min, int max, String target, int expectedReplicas,
             Map<String, String> conditions, String message) {
            this(name, replicas, pods, usage, cpuRequest, metric, scaleDownWindow, min, max, target,
                    expectedReplicas, conditions, message, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("cpu 150% of the request on 2 pods, target 100%: 3", 2, 2, "cpu=150m", "100m",
                        utilization("cpu", 100), null, 1, 10, "web", 3, Map.of(
                        "AbleToScale", "True SucceededRescale", "ScalingActive", "True ValidMetricFound",
                        "ScalingLimited", "False DesiredWithinRange"),
                        "the HPA was able to successfully calculate a replica count from cpu resource utilization"
                                + " (percentage of request)"),
                new Case("within the tolerance: unchanged", 2, 2, "cpu=105m", "100m", utilization("cpu", 100),
                        null, 1, 10, "web", 2, Map.of("AbleToScale", "True ReadyForNewScale",
                        "ScalingActive", "True ValidMetricFound", "ScalingLimited", "False DesiredWithinRange"), null),
                new Case("8 wanted, max 3: TooManyReplicas", 2, 2, "cpu=400m", "100m", utilization("cpu", 100),
                        null, 1, 3, "web", 3, Map.of("AbleToScale", "True SucceededRescale",
                        "ScalingLimited", "True TooManyReplicas"), null),
                new Case("8 wanted from 2 without behavior: at most max(2 * 2, 4)", 2, 2, "cpu=400m", "100m",
                        utilization("cpu", 100), null, 1, 20, "web", 4, Map.of("AbleToScale", "True SucceededRescale",
                        "ScalingLimited", "True ScaleUpLimit"), null),
                new Case("memory average value 64Mi per pod, target 32Mi: 4", 2, 2, "memory=64Mi", "100m",
                        averageValue("memory", "32Mi"), null, 1, 10, "web", 4, Map.of(
                        "ScalingActive", "True ValidMetricFound"),
                        "the HPA was able to successfully calculate a replica count from memory resource"),
                new Case("scale down held by the default stabilization window", 4, 4, "cpu=10m", "100m",
                        utilization("cpu", 50), null, 1, 10, "web", 4, Map.of("AbleToScale",
                        "True ScaleDownStabilized"), null),
                new Case("scale down with a zero window: to min", 4, 4, "cpu=10m", "100m", utilization("cpu", 50),
                        0, 2, 10, "web", 2, Map.of("AbleToScale", "True SucceededRescale"), null),
                new Case("no such target", 2, 2, "cpu=10m", "100m", utilization("cpu", 50), null, 1, 10, "nope",
                        2, Map.of("AbleToScale", "False FailedGetScale"), "the HPA controller was unable to get the "
                        + "target's current scale: deployments.apps \"nope\" not found"),
                new Case("utilization without requests", 2, 2, "cpu=10m", null, utilization("cpu", 50), null, 1,
                        10, "web", 2, Map.of("AbleToScale", "True SucceededGetScale",
                        "ScalingActive", "False FailedGetResourceMetric"), "the HPA was unable to compute the replica "
                        + "count: failed to get cpu utilization: missing request for cpu in container c of Pod web-0"),
                new Case("target at zero replicas: scaling disabled", 0, 0, null, "100m", utilization("cpu", 50),
                        null, 1, 10, "web", 0, Map.of("ScalingActive", "False ScalingDisabled"),
                        "scaling is disabled since the replica count of the target is zero"),
                new Case("cpu of pods Ready for less than a metric window is not sampled", 2, 2, "cpu=400m",
                        "100m", utilization("cpu", 100), null, 1, 10, "web", 2, Map.of("ScalingActive",
                        "False FailedGetResourceMetric"), "the HPA was unable to compute the replica count: failed to "
                        + "get cpu utilization: did not receive metrics for targeted pods (pods might be unready)", true),
                new Case("memory of the same pods is", 2, 2, "memory=64Mi", "100m", averageValue("memory", "32Mi"),
                        null, 1, 10, "web", 4, Map.of("ScalingActive", "True ValidMetricFound"), null, true),
                new Case("no pods: no metrics", 2, 0, null, "100m", utilization("cpu", 50), null, 1, 10, "web", 2,
                        Map.of("ScalingActive", "False FailedGetResourceMetric"), "the HPA was unable to compute the "
                        + "replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no "
                        + "metrics returned from resource metrics API"),
                new Case("below min: raised to min", 1, 1, "cpu=50m", "100m", utilization("cpu", 50), null, 3,
                        10, "web", 3, Map.of("AbleToScale", "True SucceededRescale"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scalesAsKubesControllerWould(Case c) {
        run(c, "hpa-" + Integer.toHexString(c.name().hashCode() & 0xffffff));
    }

    private void run(Case c, String ns) {
        Writes.create(store("", "v1", "namespaces", Namespace.class), null,
                new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        Store<Deployment> deployments = store("apps", "v1", "deployments", Deployment.class);
        Writes.create(deployments, ns, deployment(c.replicas()));
        for (int i = 0; i < c.pods(); i++) {
            runningPod(ns, "web-" + i, c.usage(), c.cpuRequest(), c.justStarted());
        }
        Store<HorizontalPodAutoscaler> hpas = store("autoscaling", "v2", "horizontalpodautoscalers",
                HorizontalPodAutoscaler.class);
        HorizontalPodAutoscalerBuilder hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withNewScaleTargetRef("apps/v1", "Deployment", c.target())
                .withMinReplicas(c.min()).withMaxReplicas(c.max()).withMetrics(c.metric()).endSpec();
        if (c.scaleDownWindow() != null) {
            hpa.editSpec().withNewBehavior().withNewScaleDown().withStabilizationWindowSeconds(c.scaleDownWindow())
                    .endScaleDown().endBehavior().endSpec();
        }
        Writes.create(hpas, ns, hpa.build());
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            HorizontalPodAutoscaler got = hpas.get(ns, "web");
            assertThat(got.getStatus()).as("status").isNotNull();
            Map<String, String> conditions = got.getStatus().getConditions().stream().collect(Collectors.toMap(
                    HorizontalPodAutoscalerCondition::getType, x -> x.getStatus() + " " + x.getReason()));
            assertThat(conditions).containsAllEntriesOf(c.conditions());
            if (c.message() != null) {
                assertThat(got.getStatus().getConditions()).extracting(HorizontalPodAutoscalerCondition::getMessage)
                        .contains(c.message());
            }
            if (c.target().equals("web")) {
                assertThat(deployments.get(ns, "web").getSpec().getReplicas()).isEqualTo(c.expectedReplicas());
                // kube leaves desiredReplicas as it was when no metric can be computed
                int desired = "False FailedGetResourceMetric".equals(c.conditions().get("ScalingActive"))
                        ? 0 : c.expectedReplicas();
                assertThat(got.getStatus().getDesiredReplicas()).isEqualTo(desired);
                // the replicas of the target when the sync read them: before the rescale, after it at the next
                // (a 0 is left out, omitempty, as kube leaves it out)
                Integer current = got.getStatus().getCurrentReplicas();
                assertThat(current == null ? 0 : current).isIn(c.replicas(), c.expectedReplicas());
            }
        });
        if (c.expectedReplicas() != c.replicas() && c.target().equals("web")) {
            HorizontalPodAutoscaler got = hpas.get(ns, "web");
            assertThat(got.getStatus().getLastScaleTime()).isNotNull();
        }
    }

    @org.junit.jupiter.api.Test
    void currentMetricsReportTheAverageUtilizationAndValue() {
        Case c = cases().findFirst().orElseThrow();
        String ns = "hpa-current-metrics";
        run(c, ns);
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            var metrics = store("autoscaling", "v2", "horizontalpodautoscalers", HorizontalPodAutoscaler.class)
                    .get(ns, "web").getStatus().getCurrentMetrics();
            assertThat(metrics).singleElement().satisfies(m -> {
                assertThat(m.getType()).isEqualTo("Resource");
                assertThat(m.getResource().getName()).isEqualTo("cpu");
                assertThat(m.getResource().getCurrent().getAverageUtilization()).isEqualTo(150);
                assertThat(m.getResource().getCurrent().getAverageValue()).isEqualTo(new Quantity("150m"));
            });
        });
    }

    @org.junit.jupiter.api.Test
    void eventsTellOfRescalesAndFailures() {
        Store<Event> events = store("", "v1", "events", Event.class);
        run(cases().findFirst().orElseThrow(), "hpa-events-rescale");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events.list("hpa-events-rescale",
                ListParams.all()).items()).anySatisfy(e -> {
            assertThat(e.getType() + " " + e.getReason() + ": " + e.getMessage()).isEqualTo("Normal SuccessfulRescale: "
                    + "New size: 3; reason: cpu resource utilization (percentage of request) above target");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("HorizontalPodAutoscaler");
            assertThat(e.getSource().getComponent()).isEqualTo("horizontal-pod-autoscaler");
        }));
        Case missing = cases().filter(c -> c.target().equals("nope")).findFirst().orElseThrow();
        run(missing, "hpa-events-missing");
        // one Event, its count raised at each sync (2 s)
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(events.list("hpa-events-missing",
                ListParams.all()).items()).singleElement().satisfies(e -> {
            assertThat(e.getType() + " " + e.getReason() + ": " + e.getMessage())
                    .isEqualTo("Warning FailedGetScale: deployments.apps \"nope\" not found");
            assertThat(e.getCount()).isGreaterThan(1);
        }));
        Case noRequests = cases().filter(c -> c.name().equals("utilization without requests")).findFirst()
                .orElseThrow();
        run(noRequests, "hpa-events-metrics");
        // kube's texts: the metric's failure, then that every metric failed
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(events.list("hpa-events-metrics",
                ListParams.all()).items()).extracting(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
                .contains("Warning FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in "
                        + "container c of Pod web-0", "Warning FailedComputeMetricsReplicas: invalid metrics (1 "
                        + "invalid out of 1), first error is: failed to get cpu resource metric value: failed to get "
                        + "cpu utilization: missing request for cpu in container c of Pod web-0"));
    }

    static MetricSpec utilization(String resource, int percent) {
        return new MetricSpecBuilder().withType("Resource").withNewResource().withName(resource).withNewTarget()
                .withType("Utilization").withAverageUtilization(percent).endTarget().endResource().build();
    }

    static MetricSpec averageValue(String resource, String value) {
        return new MetricSpecBuilder().withType("Resource").withNewResource().withName(resource).withNewTarget()
                .withType("AverageValue").withAverageValue(new Quantity(value)).endTarget().endResource().build();
    }

    static Deployment deployment(int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    /** A pod Running and Ready on the simulated node, started now or ten minutes ago. */
    static void runningPod(String ns, String name, String usage, String cpuRequest, boolean justStarted) {
        Store<Pod> pods = store("", "v1", "pods", Pod.class);
        Map<String, Quantity> requests = new HashMap<>();
        if (cpuRequest != null) {
            requests.put("cpu", new Quantity(cpuRequest));
        }
        Writes.create(pods, ns, new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of("app", "web"))
                .withAnnotations(usage == null ? Map.of() : Map.of(SimulatedUsage.USAGE_ANNOTATION, usage))
                .endMetadata().withNewSpec().withNodeName("kapi-node-0").addNewContainer().withName("c")
                .withImage("nginx").withNewResources().withRequests(requests).endResources().endContainer()
                .endSpec().build());
        Writes.update(pods, ns, name, "status", p -> {
            String started = Instant.now().minus(justStarted ? Duration.ZERO : Duration.ofMinutes(10))
                    .truncatedTo(ChronoUnit.SECONDS).toString();
            p.getStatus().setPhase("Running");
            p.getStatus().setStartTime(started);
            PodCondition ready = new PodCondition();
            ready.setType("Ready");
            ready.setStatus("True");
            ready.setLastTransitionTime(started);
            p.getStatus().setConditions(List.of(ready));
            return p;
        });
    }

    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Store<T> store(String group, String version,
                                                                                 String resource, Class<T> type) {
        return stores.find(group, version, resource, type).orElseThrow();
    }
}

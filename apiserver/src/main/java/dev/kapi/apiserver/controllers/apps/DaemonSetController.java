package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's DaemonSet controller, the essentials: one pod per Node that should run it ({@link DaemonSetPods}),
 * created with generateName {@code <ds>-} and bound to its node by required node affinity (the scheduler
 * places it); extra pods on a node (all but the oldest), failed ones, and pods on nodes that should no longer
 * run them (or that are gone) are deleted. RollingUpdate deletes pods of an older revision, unavailable ones
 * first, then up to maxUnavailable (int or percent of the desired number, rounded up) at a time; OnDelete
 * leaves them. Revisions are ControllerRevisions ({@link ControllerHistory}), the pods' hash label the
 * revision's hash. Status: desiredNumberScheduled, currentNumberScheduled, numberMisscheduled, numberReady,
 * numberAvailable, numberUnavailable, updatedNumberScheduled, observedGeneration.
 */
final class DaemonSetController extends Controller {

    private static final String NAME = "daemonset-controller";

    private final Informer<DaemonSet> sets;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Informer<ControllerRevision> revisionInformer;
    private final Store<DaemonSet> setStore;
    private final WritePipeline writes;
    private final ControllerHistory history;
    private final PodControl podControl;
    private final EventRecorder events;
    private final UserInfo user = SystemUsers.controller("daemon-set-controller"); // kube's service account

    DaemonSetController(Informer<DaemonSet> sets, Informer<Pod> pods, Informer<Node> nodes,
                        Informer<ControllerRevision> revisionInformer, Store<DaemonSet> setStore, Store<Pod> podStore,
                        Store<ControllerRevision> revisionStore, Store<Event> eventStore, WritePipeline writes) {
        super(NAME, 2, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)),
                List.of(sets, pods, nodes, revisionInformer));
        this.sets = sets;
        this.pods = pods;
        this.nodes = nodes;
        this.revisionInformer = revisionInformer;
        this.setStore = setStore;
        this.writes = writes;
        this.history = new ControllerHistory(revisionStore, writes, user);
        this.podControl = new PodControl(podStore, writes, user);
        this.events = EventRecorder.builder(writes, eventStore, user, NAME).about("apps/v1", "DaemonSet").build();
        sets.addHandler(new KeyQueueing<>(queue::add));
        pods.addHandler(new OwnedPodHandlers(this::ownerOf,
                ns -> sets.cache().list(ns).stream().map(DaemonSetController::owner).toList(), new Expectations(), queue));
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queueAll();
            }

            @Override
            public void onUpdate(Node old, Node node) {
                if (!Objects.equals(old.getMetadata().getLabels(), node.getMetadata().getLabels())
                        || !Objects.equals(old.getSpec(), node.getSpec())) {
                    queueAll();
                }
            }

            @Override
            public void onDelete(Node node) {
                queueAll();
            }
        });
    }

    private void queueAll() {
        sets.cache().list().forEach(ds -> queue.add(ControllerRefs.key(ds)));
    }

    /** The cached DaemonSet a controller reference names (kind, name and uid), as the pod handlers see it. */
    private OwnedPodHandlers.Owner ownerOf(String namespace, OwnerReference ref) {
        if (!"DaemonSet".equals(ref.getKind())) {
            return null;
        }
        DaemonSet ds = sets.cache().get(namespace, ref.getName());
        return ds == null || !Objects.equals(ds.getMetadata().getUid(), ref.getUid()) ? null : owner(ds);
    }

    private static OwnedPodHandlers.Owner owner(DaemonSet ds) {
        return OwnedPodHandlers.Owner.of(ds, ds.getSpec().getMinReadySeconds(), ds.getSpec().getSelector());
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        DaemonSet ds = sets.cache().get(key.substring(0, slash), key.substring(slash + 1));
        if (ds == null || ds.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        try {
            sync(ds);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return e.code() == 404;
            }
            throw e;
        }
    }

    private void sync(DaemonSet ds) {
        String namespace = ds.getMetadata().getNamespace();
        OwnerReference ref = ControllerRefs.controllerRef(ds, "apps/v1", "DaemonSet");
        List<Pod> owned = new Claims<Pod>(ds, ControllerRefs.selector(ds.getSpec().getSelector()), () -> recheck(ds),
                p -> podControl.adopt(p, ref), p -> podControl.release(p, ds.getMetadata().getUid()))
                .claim(pods.cache().list(namespace));
        List<ControllerRevision> revisions = revisionInformer.cache().list(namespace).stream()
                .filter(r -> ControllerRefs.controlledBy(r, ds))
                .sorted(Comparator.comparingLong(r -> ControllerRefs.longOf(r.getRevision()))).toList();
        ControllerRevision update = history.updateRevision(ds, "DaemonSet", ds.getSpec().getTemplate(),
                ds.getStatus() == null ? null : ds.getStatus().getCollisionCount(), revisions, () -> collide(ds));
        String hash = update.getMetadata().getName().substring(ds.getMetadata().getName().length() + 1);
        PodTemplateSpec template = DaemonSetPods.template(ds, hash);
        Map<String, List<Pod>> byNode = new HashMap<>();
        for (Pod pod : owned) {
            byNode.computeIfAbsent(String.valueOf(DaemonSetPods.targetNode(pod)), n -> new ArrayList<>()).add(pod);
        }
        byNode.values().forEach(list -> list.sort(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())));
        Set<String> nodeNames = new HashSet<>();
        for (Node node : nodes.cache().list()) {
            String name = node.getMetadata().getName();
            nodeNames.add(name);
            List<Pod> onNode = byNode.getOrDefault(name, List.of()).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            if (DaemonSetPods.shouldRun(template, node)) {
                List<Pod> keep = new ArrayList<>();
                for (Pod p : onNode) {
                    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
                    if ("Failed".equals(phase)) {
                        delete(ds, p);
                    } else {
                        keep.add(p);
                    }
                }
                if (keep.isEmpty()) {
                    create(ds, template, name);
                }
                keep.stream().skip(1).forEach(p -> delete(ds, p));
            } else if (!DaemonSetPods.shouldContinueRunning(template, node)) {
                onNode.forEach(p -> delete(ds, p));
            }
        }
        byNode.forEach((node, list) -> {
            if (!nodeNames.contains(node)) {
                list.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(p -> delete(ds, p));
            }
        });
        rollingUpdate(ds, byNode, hash);
        writeStatus(ds, template, byNode, hash);
        Set<String> live = new HashSet<>(List.of(update.getMetadata().getName()));
        owned.forEach(p -> live.add(ds.getMetadata().getName() + "-"
                + p.getMetadata().getLabels().get(ControllerHistory.LABEL)));
        history.truncate(ds, ds.getSpec().getRevisionHistoryLimit(), revisions, live);
    }

    private void rollingUpdate(DaemonSet ds, Map<String, List<Pod>> byNode, String hash) {
        var strategy = ds.getSpec().getUpdateStrategy();
        if (strategy != null && "OnDelete".equals(strategy.getType())) {
            return;
        }
        PodTemplateSpec template = DaemonSetPods.template(ds, hash);
        List<Node> running = nodes.cache().list().stream().filter(n -> DaemonSetPods.shouldRun(template, n)).toList();
        var maxValue = strategy == null || strategy.getRollingUpdate() == null ? null
                : strategy.getRollingUpdate().getMaxUnavailable();
        int maxUnavailable = maxValue == null ? 1 : Deployments.scaled(maxValue, running.size(), true);
        int minReady = intOf(ds.getSpec().getMinReadySeconds());
        Instant now = Instant.now();
        int unavailable = 0;
        List<Pod> oldAvailable = new ArrayList<>();
        for (Node node : running) {
            List<Pod> list = byNode.getOrDefault(node.getMetadata().getName(), List.of());
            if (list.isEmpty()) {
                unavailable++; // kube counts a node still without its pod as unavailable
                continue;
            }
            Pod pod = list.get(0);
            boolean available = ActivePods.available(pod, minReady, now);
            if (!available || pod.getMetadata().getDeletionTimestamp() != null) {
                unavailable++;
            }
            if (!hash.equals(pod.getMetadata().getLabels().get(ControllerHistory.LABEL))
                    && pod.getMetadata().getDeletionTimestamp() == null) {
                if (available) {
                    oldAvailable.add(pod);
                } else {
                    delete(ds, pod);
                }
            }
        }
        for (Pod pod : oldAvailable) {
            if (unavailable >= maxUnavailable) {
                break;
            }
            delete(ds, pod);
            unavailable++;
        }
    }

    private void create(DaemonSet ds, PodTemplateSpec template, String node) {
        Pod pod = PodControl.fromTemplate(template, ds, ControllerRefs.controllerRef(ds, "apps/v1", "DaemonSet"));
        DaemonSetPods.bindTo(pod, node);
        try {
            Pod created = writes.create(WriteScope.of(podControlStore(), ds.getMetadata().getNamespace(), user), pod,
                    OperationOptions.create());
            events.normal(ds, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
        } catch (StatusError e) {
            events.warning(ds, "FailedCreate", "Error creating: " + e.getMessage());
            throw e;
        }
    }

    private Store<Pod> podControlStore() {
        return podControl.store();
    }

    private void delete(DaemonSet ds, Pod pod) {
        try {
            podControl.delete(pod);
            events.normal(ds, "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 409) {
                events.warning(ds, "FailedDelete", "Error deleting: " + e.getMessage());
                throw e;
            }
        }
    }

    private void writeStatus(DaemonSet ds, PodTemplateSpec template, Map<String, List<Pod>> byNode, String hash) {
        DaemonSetStatus s = DaemonSetStatuses.compute(ds, template, nodes.cache().list(), byNode, hash, Instant.now());
        int minReady = intOf(ds.getSpec().getMinReadySeconds());
        if (minReady > 0 && !Objects.equals(s.getNumberReady(), s.getNumberAvailable())) {
            queue.addAfter(ControllerRefs.key(ds), Duration.ofSeconds(minReady));
        }
        if (DaemonSetStatuses.same(ds.getStatus(), s)) {
            return;
        }
        writes.update(WriteScope.of(setStore, ds.getMetadata().getNamespace(), user).subresource("status"),
                ds.getMetadata().getName(), latest -> {
                    latest.setStatus(s);
                    return latest;
                }, OperationOptions.update());
    }

    private void collide(DaemonSet ds) {
        writes.update(WriteScope.of(setStore, ds.getMetadata().getNamespace(), user).subresource("status"),
                ds.getMetadata().getName(), latest -> {
                    if (latest.getStatus() == null) {
                        latest.setStatus(new DaemonSetStatus());
                    }
                    latest.getStatus().setCollisionCount(intOf(latest.getStatus().getCollisionCount()) + 1);
                    return latest;
                }, OperationOptions.update());
    }

    private void recheck(DaemonSet ds) {
        DaemonSet live = setStore.get(ds.getMetadata().getNamespace(), ds.getMetadata().getName());
        if (!Objects.equals(live.getMetadata().getUid(), ds.getMetadata().getUid())
                || live.getMetadata().getDeletionTimestamp() != null) {
            throw StatusError.conflict(setStore.definition().groupResource(), ds.getMetadata().getName(),
                    "the daemonset is gone or being deleted: it adopts nothing");
        }
    }
}

package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's StatefulSet controller ({@code defaultStatefulSetControl}), the essentials: pods {@code <set>-0} to
 * {@code <set>-(N-1)} ({@link StatefulSetPods}) with their claims; with OrderedReady (the default) one at a
 * time, each waiting until the one before is Running and Ready, and scaled down from the highest ordinal, one
 * at a time; with Parallel all at once. Failed or Succeeded pods are deleted and made again. RollingUpdate
 * replaces pods not of the update revision from the highest ordinal down to the partition, one at a time
 * while the others are Ready; OnDelete leaves them. Status: replicas, readyReplicas, availableReplicas,
 * currentReplicas, updatedReplicas, currentRevision, updateRevision, observedGeneration, collisionCount.
 */
final class StatefulSetController extends Controller {

    private static final String NAME = "statefulset-controller";

    private final Informer<StatefulSet> sets;
    private final Informer<Pod> pods;
    private final Informer<ControllerRevision> revisionInformer;
    private final Store<StatefulSet> setStore;
    private final Store<Pod> podStore;
    private final Store<PersistentVolumeClaim> claimStore;
    private final WritePipeline writes;
    private final ControllerHistory revisions;
    private final PodControl podControl;
    private final EventRecorder events;
    private final UserInfo user = SystemUsers.controller(NAME);

    StatefulSetController(Informer<StatefulSet> sets, Informer<Pod> pods, Informer<ControllerRevision> revisionInformer,
                          Store<StatefulSet> setStore, Store<Pod> podStore, Store<ControllerRevision> revisionStore,
                          Store<PersistentVolumeClaim> claimStore, Store<Event> eventStore, WritePipeline writes) {
        super(NAME, 2, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)),
                List.of(sets, pods, revisionInformer));
        this.sets = sets;
        this.pods = pods;
        this.revisionInformer = revisionInformer;
        this.setStore = setStore;
        this.podStore = podStore;
        this.claimStore = claimStore;
        this.writes = writes;
        this.revisions = new ControllerHistory(revisionStore, writes, user);
        this.podControl = new PodControl(podStore, writes, user);
        this.events = EventRecorder.builder(writes, eventStore, user, NAME).about("apps/v1", "StatefulSet").build();
        sets.addHandler(new KeyQueueing<>(queue::add));
        pods.addHandler(new OwnedPodHandlers(this::ownerOf,
                ns -> sets.cache().list(ns).stream().map(StatefulSetController::owner).toList(), new Expectations(), queue));
    }

    /** The cached StatefulSet a controller reference names (kind, name and uid), as the pod handlers see it. */
    private OwnedPodHandlers.Owner ownerOf(String namespace, OwnerReference ref) {
        if (!"StatefulSet".equals(ref.getKind())) {
            return null;
        }
        StatefulSet set = sets.cache().get(namespace, ref.getName());
        return set == null || !Objects.equals(set.getMetadata().getUid(), ref.getUid()) ? null : owner(set);
    }

    private static OwnedPodHandlers.Owner owner(StatefulSet set) {
        return OwnedPodHandlers.Owner.of(set, set.getSpec().getMinReadySeconds(), set.getSpec().getSelector());
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        StatefulSet set = sets.cache().get(namespace, key.substring(slash + 1));
        if (set == null || set.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        try {
            sync(set);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return e.code() == 404;
            }
            throw e;
        }
    }

    private void sync(StatefulSet set) {
        String namespace = set.getMetadata().getNamespace();
        OwnerReference ref = ControllerRefs.controllerRef(set, "apps/v1", "StatefulSet");
        List<Pod> owned = new Claims<Pod>(set, ControllerRefs.selector(set.getSpec().getSelector()),
                () -> recheck(set), p -> podControl.adopt(p, ref), p -> podControl.release(p, set.getMetadata().getUid()))
                .claim(pods.cache().list(namespace).stream().filter(p -> StatefulSetPods.ordinal(set, p) >= 0).toList());
        List<ControllerRevision> history = revisionInformer.cache().list(namespace).stream()
                .filter(r -> ControllerRefs.controlledBy(r, set))
                .sorted(Comparator.comparingLong(r -> ControllerRefs.longOf(r.getRevision()))).toList();
        ControllerRevision update = revisions.updateRevision(set, "StatefulSet", set.getSpec().getTemplate(),
                set.getStatus() == null ? null : set.getStatus().getCollisionCount(), history, () -> collide(set));
        String currentName = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
        ControllerRevision current = history.stream().filter(r -> r.getMetadata().getName().equals(currentName))
                .findFirst().orElse(update);
        Map<Integer, Pod> byOrdinal = new TreeMap<>();
        owned.forEach(p -> byOrdinal.put(StatefulSetPods.ordinal(set, p), p));
        manage(set, byOrdinal, current, update);
        writeStatus(set, owned, current, update);
        Set<String> live = new HashSet<>(List.of(current.getMetadata().getName(), update.getMetadata().getName()));
        owned.forEach(p -> live.add(String.valueOf(p.getMetadata().getLabels().get(ControllerHistory.LABEL))));
        revisions.truncate(set, set.getSpec().getRevisionHistoryLimit(), history, live);
    }

    private void manage(StatefulSet set, Map<Integer, Pod> byOrdinal, ControllerRevision current,
                        ControllerRevision update) {
        boolean ordered = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
        var strategy = set.getSpec().getUpdateStrategy();
        boolean onDelete = strategy != null && "OnDelete".equals(strategy.getType());
        int partition = strategy == null || strategy.getRollingUpdate() == null ? 0
                : intOf(strategy.getRollingUpdate().getPartition());
        int replicas = intOf(set.getSpec().getReplicas());
        for (int i = 0; i < replicas; i++) {
            Pod pod = byOrdinal.get(i);
            if (pod == null) {
                create(set, !onDelete && i < partition ? current : update, i);
                if (ordered) {
                    return;
                }
                continue;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
                delete(set, pod);
                if (ordered) {
                    return;
                }
                continue;
            }
            if (ordered && (pod.getMetadata().getDeletionTimestamp() != null || !StatefulSetStatuses.runningAndReady(pod))) {
                return;
            }
        }
        List<Integer> condemned = byOrdinal.keySet().stream().filter(i -> i >= replicas)
                .sorted(Comparator.reverseOrder()).toList();
        for (int i : condemned) {
            Pod pod = byOrdinal.get(i);
            if (pod.getMetadata().getDeletionTimestamp() == null) {
                delete(set, pod);
            }
            if (ordered) {
                return;
            }
        }
        if (onDelete) {
            return;
        }
        for (int i = replicas - 1; i >= partition; i--) {
            Pod pod = byOrdinal.get(i);
            if (pod == null) {
                return; // just (re)created: not healthy yet
            }
            String revision = pod.getMetadata().getLabels() == null ? null
                    : pod.getMetadata().getLabels().get(ControllerHistory.LABEL);
            if (!update.getMetadata().getName().equals(revision) && pod.getMetadata().getDeletionTimestamp() == null) {
                delete(set, pod);
                return;
            }
            if (!StatefulSetStatuses.runningAndReady(pod)) {
                return;
            }
        }
    }

    private void create(StatefulSet set, ControllerRevision revision, int ordinal) {
        String namespace = set.getMetadata().getNamespace();
        for (PersistentVolumeClaim claim : StatefulSetPods.claims(set, ordinal)) {
            try {
                writes.create(WriteScope.of(claimStore, namespace, user), claim, OperationOptions.create());
            } catch (StatusError e) {
                if (e.code() != 409) {
                    events.warning(set, "FailedCreate", "create Claim " + claim.getMetadata().getName() + " for Pod "
                            + set.getMetadata().getName() + "-" + ordinal + " in StatefulSet "
                            + set.getMetadata().getName() + " failed error: " + e.getMessage());
                    throw e;
                }
            }
        }
        Pod pod = StatefulSetPods.pod(set, revision, ordinal);
        try {
            writes.create(WriteScope.of(podStore, namespace, user), pod, OperationOptions.create());
            events.normal(set, "SuccessfulCreate", "create Pod " + pod.getMetadata().getName() + " in StatefulSet "
                    + set.getMetadata().getName() + " successful");
        } catch (StatusError e) {
            if (e.code() != 409) {
                events.warning(set, "FailedCreate", "create Pod " + pod.getMetadata().getName() + " in StatefulSet "
                        + set.getMetadata().getName() + " failed error: " + e.getMessage());
                throw e;
            }
        }
    }

    private void delete(StatefulSet set, Pod pod) {
        podControl.delete(pod);
        events.normal(set, "SuccessfulDelete", "delete Pod " + pod.getMetadata().getName() + " in StatefulSet "
                + set.getMetadata().getName() + " successful");
    }

    private void writeStatus(StatefulSet set, List<Pod> owned, ControllerRevision current, ControllerRevision update) {
        StatefulSetStatus s = StatefulSetStatuses.compute(set, owned, current, update, java.time.Instant.now());
        int minReady = intOf(set.getSpec().getMinReadySeconds());
        if (minReady > 0 && !Objects.equals(s.getReadyReplicas(), s.getAvailableReplicas())) {
            queue.addAfter(ControllerRefs.key(set), Duration.ofSeconds(minReady));
        }
        if (StatefulSetStatuses.same(set.getStatus(), s)) {
            return;
        }
        writes.update(WriteScope.of(setStore, set.getMetadata().getNamespace(), user).subresource("status"),
                set.getMetadata().getName(), latest -> {
                    latest.setStatus(s);
                    return latest;
                }, OperationOptions.update());
    }

    private void collide(StatefulSet set) {
        writes.update(WriteScope.of(setStore, set.getMetadata().getNamespace(), user).subresource("status"),
                set.getMetadata().getName(), latest -> {
                    if (latest.getStatus() == null) {
                        latest.setStatus(new StatefulSetStatus());
                    }
                    latest.getStatus().setCollisionCount(intOf(latest.getStatus().getCollisionCount()) + 1);
                    return latest;
                }, OperationOptions.update());
    }

    private void recheck(StatefulSet set) {
        StatefulSet live = setStore.get(set.getMetadata().getNamespace(), set.getMetadata().getName());
        if (!Objects.equals(live.getMetadata().getUid(), set.getMetadata().getUid())
                || live.getMetadata().getDeletionTimestamp() != null) {
            throw StatusError.conflict(setStore.definition().groupResource(), set.getMetadata().getName(),
                    "the statefulset is gone or being deleted: it adopts nothing");
        }
    }
}

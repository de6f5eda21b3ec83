package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's ReplicaSet controller ({@code syncReplicaSet}), for apps/v1 ReplicaSets and, as kube's
 * ReplicationManager, for core/v1 ReplicationControllers ({@link ReplicaKind}). Reconciling one claims the
 * active pods of its namespace ({@link Claims}: adopts matching orphans, releases pods that stopped matching),
 * then, when its {@link Expectations} are met, creates the missing pods (in slow-start batches of 1, 2, 4 ...,
 * stopping at the first batch with a failure) or deletes the surplus ones in {@link ActivePods}' order, and
 * writes the status ({@link ReplicaSetStatuses}) when it changed. Pods becoming Ready with minReadySeconds
 * queue the controller again when they become available.
 */
final class ReplicaSetController<T extends HasMetadata> extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);
    /** kube's {@code BurstReplicas}: at most this many creates or deletes per sync. */
    static final int BURST = 500;

    private final ReplicaKind<T> kind;
    private final Informer<Pod> pods;
    private final PodControl podControl;
    private final WritePipeline writes;
    private final Expectations expectations = new Expectations();

    private final EventRecorder events;

    ReplicaSetController(ReplicaKind<T> kind, Informer<Pod> pods, Store<Pod> podStore, WritePipeline writes,
                         Store<Event> eventStore) {
        super(kind.controller(), 2, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)),
                List.of(kind.informer(), pods));
        this.kind = kind;
        this.pods = pods;
        this.writes = writes;
        this.podControl = new PodControl(podStore, writes, kind.user());
        this.events = EventRecorder.builder(writes, eventStore, kind.user(), kind.controller())
                .about(kind.apiVersion(), kind.kind()).build();
        kind.informer().addHandler(new KeyQueueing<>(queue::add, expectations::forget));
        pods.addHandler(new OwnedPodHandlers((ns, ref) -> owner(ownerOf(ns, ref)),
                ns -> kind.cachedList(ns).stream().map(ReplicaSetController::owner).toList(), expectations, queue));
    }

    private static OwnedPodHandlers.Owner owner(ReplicaSet rs) {
        return rs == null ? null : OwnedPodHandlers.Owner.of(rs, rs.getSpec().getMinReadySeconds(),
                rs.getSpec().getSelector());
    }

    /** The cached owner a controller reference names (same kind, name and uid), or null. */
    private ReplicaSet ownerOf(String namespace, OwnerReference ref) {
        if (!kind.kind().equals(ref.getKind()) || !kind.apiVersion().equals(ref.getApiVersion())) {
            return null;
        }
        ReplicaSet rs = kind.cached(namespace, ref.getName());
        return rs != null && Objects.equals(rs.getMetadata().getUid(), ref.getUid()) ? rs : null;
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        ReplicaSet rs = kind.cached(namespace, key.substring(slash + 1));
        if (rs == null) {
            expectations.forget(key);
            return true;
        }
        boolean needsSync = expectations.satisfied(key);
        OwnerReference ref = ControllerRefs.controllerRef(rs, kind.apiVersion(), kind.kind());
        List<Pod> owned = new Claims<Pod>(rs, ControllerRefs.selector(rs.getSpec().getSelector()),
                () -> recheck(rs), p -> podControl.adopt(p, ref),
                p -> podControl.release(p, rs.getMetadata().getUid()))
                .claim(ActivePods.filter(pods.cache().list(namespace)));
        String failure = null;
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            failure = manage(key, rs, ref, owned);
        }
        Instant now = Instant.now();
        ReplicaSetStatus status = ReplicaSetStatuses.compute(rs, owned, failure, now);
        if (!ReplicaSetStatuses.same(rs.getStatus(), status)) {
            try {
                kind.writeStatus(writes, namespace, rs.getMetadata().getName(), status);
            } catch (StatusError e) {
                if (e.code() == 404) {
                    return true;
                }
                throw e;
            }
        }
        int minReady = intOf(rs.getSpec().getMinReadySeconds());
        if (failure == null && minReady > 0 && intOf(status.getReadyReplicas()) == intOf(rs.getSpec().getReplicas())
                && intOf(status.getAvailableReplicas()) != intOf(rs.getSpec().getReplicas())) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        return failure == null;
    }

    /** kube's {@code RecheckDeletionTimestamp}: adopt only for the live, same, not deleting controller. */
    private void recheck(ReplicaSet rs) {
        ReplicaSet live = kind.live(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
        if (!Objects.equals(live.getMetadata().getUid(), rs.getMetadata().getUid())) {
            throw StatusError.conflict(kind.store().definition().groupResource(), rs.getMetadata().getName(),
                    "the original is gone: got uid " + live.getMetadata().getUid() + ", wanted "
                            + rs.getMetadata().getUid());
        }
        if (live.getMetadata().getDeletionTimestamp() != null) {
            throw StatusError.conflict(kind.store().definition().groupResource(), rs.getMetadata().getName(),
                    "it has just been deleted at " + live.getMetadata().getDeletionTimestamp());
        }
    }

    /** Creates or deletes pods toward spec.replicas; the message of a failure, or null. */
    private String manage(String key, ReplicaSet rs, OwnerReference ref, List<Pod> owned) {
        int diff = owned.size() - intOf(rs.getSpec().getReplicas());
        if (diff < 0) {
            int wanted = Math.min(-diff, BURST);
            expectations.expectCreations(key, wanted);
            int created = 0;
            String failure = null;
            for (int batch = 1; created < wanted; batch *= 2) {
                int size = Math.min(batch, wanted - created);
                for (int i = 0; i < size; i++) {
                    try {
                        Pod pod = podControl.create(rs.getMetadata().getNamespace(), rs.getSpec().getTemplate(), rs,
                                ref);
                        created++;
                        events.normal(rs, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName());
                    } catch (StatusError e) {
                        failure = e.getMessage();
                        events.warning(rs, "FailedCreate", "Error creating: " + e.getMessage());
                    }
                }
                if (failure != null) {
                    break;
                }
            }
            for (int i = created; i < wanted; i++) {
                expectations.creationObserved(key);
            }
            return failure;
        }
        if (diff > 0) {
            int count = Math.min(diff, BURST);
            List<Pod> doomed = ActivePods.rankedForDeletion(owned, owned, Instant.now()).subList(0, count);
            Set<String> keys = new LinkedHashSet<>();
            doomed.forEach(p -> keys.add(ControllerRefs.key(p)));
            expectations.expectDeletions(key, keys);
            String failure = null;
            for (Pod pod : new ArrayList<>(doomed)) {
                try {
                    podControl.delete(pod);
                    events.normal(rs, "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
                } catch (StatusError e) {
                    expectations.deletionObserved(key, ControllerRefs.key(pod));
                    if (e.code() != 404 && e.code() != 409) {
                        failure = e.getMessage();
                        events.warning(rs, "FailedDelete", "Error deleting: " + e.getMessage());
                    }
                }
            }
            if (failure != null && !stopping()) {
                LOG.debug("{}: deleting pods of {} failed: {}", name(), key, failure);
            }
            return failure;
        }
        return null;
    }
}

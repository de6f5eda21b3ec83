package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * kube's Deployment controller ({@code syncDeployment}): reconciling a Deployment claims the ReplicaSets of
 * its namespace ({@link Claims}: adopts matching orphans, releases those that stopped matching), then, as
 * kube orders it: a Deployment being deleted only gets its status; the paused condition is kept; a paused
 * Deployment or a change of spec.replicas only scales ({@link DeploymentRollouts#scaleOnly}); otherwise its
 * strategy rolls out (RollingUpdate or Recreate). Changes of its ReplicaSets queue it (their owner, or for an
 * orphan every Deployment that selects it); a deleted pod queues a Recreate Deployment waiting for old pods to
 * go. A Deployment whose progress deadline may pass is queued again when it would.
 */
final class DeploymentController extends Controller {

    private final Informer<Deployment> deployments;
    private final Informer<ReplicaSet> replicaSets;
    private final Informer<Pod> pods;
    private final Store<Deployment> deploymentStore;
    private final ReplicaSetWrites writes;
    private final EventRecorder events;

    DeploymentController(Informer<Deployment> deployments, Informer<ReplicaSet> replicaSets, Informer<Pod> pods,
                         Store<Deployment> deploymentStore, ReplicaSetWrites writes, EventRecorder events) {
        super("deployment-controller", 2, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)),
                List.of(deployments, replicaSets, pods));
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.deploymentStore = deploymentStore;
        this.writes = writes;
        this.events = events;
        deployments.addHandler(new KeyQueueing<>(queue::add));
        replicaSets.addHandler(new DeploymentReplicaSetHandlers(this::ownerOf, deployments, queue));
        pods.addHandler(new dev.kapi.apiserver.registry.informer.EventHandler<>() {
            @Override
            public void onDelete(Pod pod) {
                OwnerReference ref = ControllerRefs.controllerOf(pod);
                if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
                    return;
                }
                ReplicaSet rs = replicaSets.cache().get(pod.getMetadata().getNamespace(), ref.getName());
                Deployment d = rs == null ? null : ownerOf(rs.getMetadata().getNamespace(), ControllerRefs.controllerOf(rs));
                if (d != null && !Deployments.rollingUpdate(d)) {
                    queue.add(ControllerRefs.key(d));
                }
            }
        });
    }

    /** The cached Deployment a controller reference names (kind, name and uid), or null. */
    private Deployment ownerOf(String namespace, OwnerReference ref) {
        if (ref == null || !"Deployment".equals(ref.getKind()) || !"apps/v1".equals(ref.getApiVersion())) {
            return null;
        }
        Deployment d = deployments.cache().get(namespace, ref.getName());
        return d != null && Objects.equals(d.getMetadata().getUid(), ref.getUid()) ? d : null;
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        Deployment d = deployments.cache().get(namespace, key.substring(slash + 1));
        if (d == null) {
            return true;
        }
        try {
            sync(d);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return true;
            }
            if (e.code() == 409) {
                return false;
            }
            throw e;
        }
    }

    private void sync(Deployment cached) {
        if (ControllerRefs.selectsEverything(cached.getSpec().getSelector())) {
            events.warning(cached, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if (ControllerRefs.longOf(cached.getStatus() == null ? null : cached.getStatus().getObservedGeneration())
                    < ControllerRefs.longOf(cached.getMetadata().getGeneration())) {
                DeploymentStatus s = cached.getStatus() == null ? new DeploymentStatus()
                        : new DeploymentStatusBuilder(cached.getStatus()).build();
                s.setObservedGeneration(cached.getMetadata().getGeneration());
                writes.status(cached, s);
            }
            return;
        }
        List<ReplicaSet> owned = claim(cached);
        DeploymentSync sync = new DeploymentSync(cached, owned, writes, events);
        DeploymentRollouts rollouts = new DeploymentRollouts(sync);
        if (cached.getMetadata().getDeletionTimestamp() != null) {
            sync.syncStatus(sync.all(false));
            return;
        }
        sync.checkPausedConditions();
        if (Boolean.TRUE.equals(sync.d.getSpec().getPaused()) || rollouts.scalingEvent()) {
            rollouts.scaleOnly();
        } else if (!Deployments.rollingUpdate(sync.d)) {
            rollouts.recreate(podsBySet(cached.getMetadata().getNamespace(), owned));
        } else {
            rollouts.rolling();
        }
        if (sync.recheckIn != null) {
            queue.addAfter(ControllerRefs.key(cached), sync.recheckIn);
        }
    }

    private List<ReplicaSet> claim(Deployment d) {
        OwnerReference ref = ControllerRefs.controllerRef(d, "apps/v1", "Deployment");
        return new Claims<ReplicaSet>(d, ControllerRefs.selector(d.getSpec().getSelector()), () -> recheck(d),
                rs -> writes.owners(rs, current -> {
                    if (ControllerRefs.controllerOf(current) == null) {
                        List<OwnerReference> refs = current.getMetadata().getOwnerReferences() == null
                                ? new ArrayList<>() : new ArrayList<>(current.getMetadata().getOwnerReferences());
                        refs.add(ref);
                        current.getMetadata().setOwnerReferences(refs);
                    }
                }),
                rs -> writes.owners(rs, current -> {
                    List<OwnerReference> refs = new ArrayList<>(current.getMetadata().getOwnerReferences());
                    refs.removeIf(r -> Objects.equals(r.getUid(), d.getMetadata().getUid()));
                    current.getMetadata().setOwnerReferences(refs.isEmpty() ? null : refs);
                }))
                .claim(replicaSets.cache().list(d.getMetadata().getNamespace()));
    }

    private void recheck(Deployment d) {
        Deployment live = deploymentStore.get(d.getMetadata().getNamespace(), d.getMetadata().getName());
        if (!Objects.equals(live.getMetadata().getUid(), d.getMetadata().getUid())
                || live.getMetadata().getDeletionTimestamp() != null) {
            throw StatusError.conflict(deploymentStore.definition().groupResource(), d.getMetadata().getName(),
                    "the deployment is gone or being deleted: it adopts nothing");
        }
    }

    /** The pods of the Deployment's ReplicaSets by ReplicaSet uid (kube's {@code getPodMapForDeployment}). */
    private Map<String, List<Pod>> podsBySet(String namespace, List<ReplicaSet> owned) {
        Set<String> uids = owned.stream().map(rs -> rs.getMetadata().getUid()).collect(Collectors.toSet());
        Map<String, List<Pod>> map = new HashMap<>();
        owned.forEach(rs -> map.put(rs.getMetadata().getUid(), new ArrayList<>()));
        for (Pod pod : pods.cache().list(namespace)) {
            OwnerReference ref = ControllerRefs.controllerOf(pod);
            if (ref != null && uids.contains(ref.getUid())) {
                map.get(ref.getUid()).add(pod);
            }
        }
        return map;
    }
}

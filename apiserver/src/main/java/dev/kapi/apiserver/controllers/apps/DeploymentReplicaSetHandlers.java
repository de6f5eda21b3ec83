package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * kube's {@code addReplicaSet}, {@code updateReplicaSet} and {@code deleteReplicaSet} of the Deployment
 * controller: a ReplicaSet queues the Deployment that controls it (and the former one when that changed); an
 * orphan queues every Deployment of its namespace whose selector matches it, so one may adopt it.
 */
final class DeploymentReplicaSetHandlers implements EventHandler<ReplicaSet> {

    private final BiFunction<String, OwnerReference, Deployment> ownerOf;
    private final Informer<Deployment> deployments;
    private final WorkQueue queue;

    DeploymentReplicaSetHandlers(BiFunction<String, OwnerReference, Deployment> ownerOf,
                                 Informer<Deployment> deployments, WorkQueue queue) {
        this.ownerOf = ownerOf;
        this.deployments = deployments;
        this.queue = queue;
    }

    @Override
    public void onAdd(ReplicaSet rs) {
        OwnerReference ref = ControllerRefs.controllerOf(rs);
        if (ref != null) {
            queueOwner(rs, ref);
        } else if (rs.getMetadata().getDeletionTimestamp() == null) {
            queueMatching(rs);
        }
    }

    @Override
    public void onUpdate(ReplicaSet old, ReplicaSet rs) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), rs.getMetadata().getResourceVersion())) {
            return;
        }
        OwnerReference oldRef = ControllerRefs.controllerOf(old);
        OwnerReference ref = ControllerRefs.controllerOf(rs);
        boolean refChanged = !Objects.equals(oldRef, ref);
        if (refChanged && oldRef != null) {
            queueOwner(old, oldRef);
        }
        if (ref != null) {
            queueOwner(rs, ref);
            return;
        }
        if (refChanged || !Objects.equals(old.getMetadata().getLabels(), rs.getMetadata().getLabels())) {
            queueMatching(rs);
        }
    }

    @Override
    public void onDelete(ReplicaSet rs) {
        OwnerReference ref = ControllerRefs.controllerOf(rs);
        if (ref != null) {
            queueOwner(rs, ref);
        }
    }

    private void queueOwner(ReplicaSet rs, OwnerReference ref) {
        Deployment d = ownerOf.apply(rs.getMetadata().getNamespace(), ref);
        if (d != null) {
            queue.add(ControllerRefs.key(d));
        }
    }

    private void queueMatching(ReplicaSet rs) {
        for (Deployment d : deployments.cache().list(rs.getMetadata().getNamespace())) {
            if (!ControllerRefs.selectsEverything(d.getSpec().getSelector())
                    && ControllerRefs.selector(d.getSpec().getSelector()).test(rs.getMetadata().getLabels())) {
                queue.add(ControllerRefs.key(d));
            }
        }
    }
}

package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Deployment controller's writes, through the {@link WritePipeline} as {@code deployment-controller}:
 * ReplicaSets created, changed (scale, annotations, minReadySeconds) and deleted; the Deployment's revision
 * annotation (an update of the Deployment: Kapi's status subresource keeps only the status, where kube's
 * deployment status strategy also lets annotations through) and its status. Each change is made on the object
 * the controller read: a write that finds a newer resourceVersion fails with 409, and the Deployment is synced
 * again from the informers, as kube's writes of whole objects do.
 */
final class ReplicaSetWrites {

    private final Store<ReplicaSet> replicaSets;
    private final Store<Deployment> deployments;
    private final WritePipeline writes;
    private final UserInfo user;

    ReplicaSetWrites(Store<ReplicaSet> replicaSets, Store<Deployment> deployments, WritePipeline writes, UserInfo user) {
        this.replicaSets = replicaSets;
        this.deployments = deployments;
        this.writes = writes;
        this.user = user;
    }

    ReplicaSet create(ReplicaSet rs) {
        return writes.create(WriteScope.of(replicaSets, rs.getMetadata().getNamespace(), user), rs,
                OperationOptions.create());
    }

    /** The stored ReplicaSet (a live read). */
    ReplicaSet get(String namespace, String name) {
        return replicaSets.get(namespace, name);
    }

    /** Applies {@code change} to the ReplicaSet as read (409 when it changed since). */
    ReplicaSet update(ReplicaSet seen, Consumer<ReplicaSet> change) {
        return writes.update(WriteScope.of(replicaSets, seen.getMetadata().getNamespace(), user),
                seen.getMetadata().getName(), current -> {
                    sameVersion(seen, current.getMetadata().getResourceVersion(), seen.getMetadata().getName());
                    change.accept(current);
                    return current;
                }, OperationOptions.update());
    }

    void delete(ReplicaSet rs) {
        writes.delete(WriteScope.of(replicaSets, rs.getMetadata().getNamespace(), user), rs.getMetadata().getName(),
                OperationOptions.deleteWithUid(rs.getMetadata().getUid()));
    }

    /** Adds or removes a controller reference (adoption, release) on the ReplicaSet. */
    ReplicaSet owners(ReplicaSet seen, Consumer<ReplicaSet> change) {
        return writes.update(WriteScope.of(replicaSets, seen.getMetadata().getNamespace(), user),
                seen.getMetadata().getName(), current -> {
                    if (!Objects.equals(current.getMetadata().getUid(), seen.getMetadata().getUid())) {
                        throw StatusError.notFound(replicaSets.definition().groupResource(),
                                seen.getMetadata().getName());
                    }
                    change.accept(current);
                    return current;
                }, OperationOptions.update());
    }

    Deployment annotate(Deployment seen, Map<String, String> annotations) {
        return writes.update(WriteScope.of(deployments, seen.getMetadata().getNamespace(), user),
                seen.getMetadata().getName(), current -> {
                    sameVersion(seen, current.getMetadata().getResourceVersion(), seen.getMetadata().getName());
                    Deployments.mutableAnnotations(current).putAll(annotations);
                    return current;
                }, OperationOptions.update());
    }

    Deployment status(Deployment seen, DeploymentStatus status) {
        return writes.update(WriteScope.of(deployments, seen.getMetadata().getNamespace(), user).subresource("status"),
                seen.getMetadata().getName(), current -> {
                    sameVersion(seen, current.getMetadata().getResourceVersion(), seen.getMetadata().getName());
                    current.setStatus(status);
                    return current;
                }, OperationOptions.update());
    }

    private void sameVersion(io.fabric8.kubernetes.api.model.HasMetadata seen, String current, String name) {
        if (!Objects.equals(seen.getMetadata().getResourceVersion(), current)) {
            throw StatusError.conflict(seen instanceof Deployment ? deployments.definition().groupResource()
                    : replicaSets.definition().groupResource(), name, StatusError.MODIFIED);
        }
    }
}

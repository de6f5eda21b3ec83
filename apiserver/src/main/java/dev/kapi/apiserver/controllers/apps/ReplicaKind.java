package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A kind the replica-set logic keeps pods for, seen as apps/v1 ReplicaSets (kube runs its ReplicationManager
 * as the ReplicaSet controller over ReplicationControllers converted to ReplicaSets): apps/v1 ReplicaSet
 * itself, and core/v1 ReplicationController ({@link ReplicationControllers} converts both ways).
 *
 * @param controller kube-controller-manager's name of the controller
 * @param view       the object as a ReplicaSet (a new object; the cached one is never changed)
 * @param setStatus  writes a ReplicaSet status into an object of the kind
 */
record ReplicaKind<T extends HasMetadata>(String controller, String apiVersion, String kind, Informer<T> informer,
                                          Store<T> store, Function<T, ReplicaSet> view,
                                          BiConsumer<T, ReplicaSetStatus> setStatus) {

    static ReplicaKind<ReplicaSet> replicaSets(ControllerContext context) {
        return new ReplicaKind<>("replicaset-controller", "apps/v1", "ReplicaSet",
                context.informers().of("apps", "v1", "replicasets", ReplicaSet.class),
                context.informers().store("apps", "v1", "replicasets", ReplicaSet.class),
                ReplicaKind::copy, ReplicaSet::setStatus);
    }

    static ReplicaKind<ReplicationController> replicationControllers(ControllerContext context) {
        return new ReplicaKind<>("replicationcontroller-controller", "v1", "ReplicationController",
                context.informers().of("", "v1", "replicationcontrollers", ReplicationController.class),
                context.informers().store("", "v1", "replicationcontrollers", ReplicationController.class),
                ReplicationControllers::asReplicaSet, ReplicationControllers::setStatus);
    }

    /** The controller's identity: kube's service account for it ({@code replication-controller} for RCs). */
    UserInfo user() {
        return SystemUsers.controller(controller.equals("replicationcontroller-controller")
                ? "replication-controller" : controller);
    }

    /** The cached object as a ReplicaSet, or null. */
    ReplicaSet cached(String namespace, String name) {
        T obj = informer.cache().get(namespace, name);
        return obj == null ? null : view.apply(obj);
    }

    List<ReplicaSet> cachedList(String namespace) {
        return informer.cache().list(namespace).stream().map(view).toList();
    }

    /** The stored object as a ReplicaSet (a live read: StatusError 404 when gone). */
    ReplicaSet live(String namespace, String name) {
        return view.apply(store.get(namespace, name));
    }

    /** Writes the status subresource as this kind's controller. */
    void writeStatus(WritePipeline writes, String namespace, String name, ReplicaSetStatus status) {
        writes.update(WriteScope.of(store, namespace, user()).subresource("status"), name,
                current -> {
                    setStatus.accept(current, status);
                    return current;
                }, OperationOptions.update());
    }

    private static ReplicaSet copy(ReplicaSet rs) {
        return new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(rs).build();
    }
}

package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.UpdatedObject;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Map;

/**
 * Writes of a test's own, as a client would make them: through a {@link WritePipeline} (without admission
 * plugins unless a test builds its own) as a {@code system:masters} test user.
 */
public final class Writes {

    public static final UserInfo ADMIN = new UserInfo("test-admin", "test-admin-uid",
            List.of("system:masters", "system:authenticated"), Map.of());

    /** A pipeline with no admission plugins. */
    public static final WritePipeline PIPELINE = new WritePipeline(AdmissionChain.empty());

    private Writes() {
    }

    public static <T extends HasMetadata> T create(Store<T> store, String namespace, T obj) {
        return PIPELINE.create(WriteScope.of(store, namespace, ADMIN), obj, OperationOptions.create());
    }

    public static <T extends HasMetadata> T update(Store<T> store, String namespace, String name,
                                                   UpdatedObject<T> updated) {
        return update(store, namespace, name, null, updated);
    }

    /** An update through a subresource ({@code status}, {@code finalize}), or of the resource when null. */
    public static <T extends HasMetadata> T update(Store<T> store, String namespace, String name, String subresource,
                                                   UpdatedObject<T> updated) {
        return PIPELINE.update(new WriteScope<>(store, namespace, subresource, ADMIN), name, updated,
                OperationOptions.update());
    }

    public static <T extends HasMetadata> Store.DeleteResult<T> delete(Store<T> store, String namespace, String name) {
        return PIPELINE.delete(WriteScope.of(store, namespace, ADMIN), name, OperationOptions.delete());
    }

    /**
     * A delete with grace period 0: a pod a node runs goes at once, as after its kubelet's final delete (a plain
     * delete leaves it Terminating for its grace period).
     */
    public static <T extends HasMetadata> Store.DeleteResult<T> forceDelete(Store<T> store, String namespace,
                                                                           String name) {
        io.fabric8.kubernetes.api.model.DeleteOptions options = OperationOptions.delete();
        options.setGracePeriodSeconds(0L);
        return PIPELINE.delete(WriteScope.of(store, namespace, ADMIN), name, options);
    }
}

package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;

/**
 * The {@code scale} subresource of an HPA's {@code scaleTargetRef} (kube's scale client): the served resource of
 * the reference's group and kind that has one (its own version first, as a RESTMapper would pick it), read from
 * its store and written through {@link WritePipeline#updateScale} as the HPA controller's user.
 */
final class ScaleTargets {

    /** The reference names no kind with a scale subresource. */
    static final class NoScale extends RuntimeException {
        NoScale(String message) {
            super(message, null, false, false);
        }
    }

    private final StoreRegistry stores;
    private final WritePipeline writes;

    ScaleTargets(StoreRegistry stores, WritePipeline writes) {
        this.stores = stores;
        this.writes = writes;
    }

    Scale scale(String namespace, CrossVersionObjectReference ref) {
        ResourceDefinition<HasMetadata> d = definition(ref);
        return d.scale().toScale(stores.store(d).get(namespace, ref.getName()));
    }

    void updateScale(String namespace, CrossVersionObjectReference ref, int replicas) {
        ResourceDefinition<HasMetadata> d = definition(ref);
        Store<HasMetadata> store = stores.store(d);
        writes.updateScale(WriteScope.of(store, namespace, HorizontalPodAutoscalerController.USER),
                ref.getName(), current -> {
                    current.getSpec().setReplicas(replicas);
                    return current;
                }, OperationOptions.update());
    }

    @SuppressWarnings("unchecked")
    private ResourceDefinition<HasMetadata> definition(CrossVersionObjectReference ref) {
        String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        ResourceDefinition<?> found = null;
        for (ResourceDefinition<?> d : stores.resources().all()) {
            if (d.group().equals(group) && d.kind().equals(ref.getKind()) && d.scale() != null
                    && (found == null || d.version().equals(version))) {
                found = d;
            }
        }
        if (found == null) {
            throw new NoScale("no matches for kind \"" + ref.getKind() + "\" in group \"" + group + "\"");
        }
        return (ResourceDefinition<HasMetadata>) found;
    }
}

package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;

/**
 * Reads the core objects tokens are about, by kind: ServiceAccounts and the Pods, Secrets and Nodes a
 * token may be bound to.
 */
public final class BoundObjects {

    /** The core resource of each kind a token may name. */
    static final Map<String, String> RESOURCES = Map.of(
            "ServiceAccount", "serviceaccounts", "Pod", "pods", "Secret", "secrets", "Node", "nodes");

    private final StoreRegistry stores;

    public BoundObjects(StoreRegistry stores) {
        this.stores = stores;
    }

    /** The store of {@code kind} (one of {@link #RESOURCES}). */
    @SuppressWarnings("unchecked")
    Store<HasMetadata> store(String kind) {
        String resource = RESOURCES.get(kind);
        if (resource == null) {
            throw new IllegalArgumentException("not a kind tokens name: " + kind);
        }
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) stores.resources()
                .find("", "v1", resource).orElseThrow(() -> new IllegalStateException("no " + resource));
        return stores.store(def);
    }

    /** The object, or a 404 {@link StatusError} when it does not exist. */
    public HasMetadata get(String kind, String namespace, String name) {
        return store(kind).get(namespace, name);
    }
}

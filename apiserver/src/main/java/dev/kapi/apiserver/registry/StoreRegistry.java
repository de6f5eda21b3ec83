package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.Storage;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One {@link Store} per served resource, all on the same storage and key prefix. */
public final class StoreRegistry {

    private final ResourceRegistry resources;
    private final Map<ResourceDefinition<?>, Store<?>> stores = new IdentityHashMap<>();

    public StoreRegistry(ResourceRegistry resources, Storage storage, String keyPrefix) {
        this.resources = resources;
        for (ResourceDefinition<?> d : resources.all()) {
            stores.put(d, create(d, storage, keyPrefix));
        }
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Store<T> create(
            ResourceDefinition<T> d, Storage storage, String keyPrefix) {
        return new Store<>(d, storage, keyPrefix);
    }

    public ResourceRegistry resources() {
        return resources;
    }

    @SuppressWarnings("unchecked")
    public <T extends io.fabric8.kubernetes.api.model.HasMetadata> Store<T> store(ResourceDefinition<T> definition) {
        return (Store<T>) stores.get(definition);
    }

    /** The store of a served resource holding {@code type}; empty when the resource is not served. */
    @SuppressWarnings("unchecked")
    public <T extends io.fabric8.kubernetes.api.model.HasMetadata> java.util.Optional<Store<T>> find(
            String group, String version, String resource, Class<T> type) {
        return resources.find(group, version, resource).map(def -> {
            if (def.type() != type) {
                throw new IllegalArgumentException(resource + " holds " + def.type().getSimpleName());
            }
            return (Store<T>) stores.get(def);
        });
    }

    /** Every store of a namespaced resource (used to empty a deleted namespace). */
    public List<Store<?>> namespacedStores() {
        return resources.all().stream().filter(ResourceDefinition::namespaced).<Store<?>>map(stores::get).toList();
    }
}

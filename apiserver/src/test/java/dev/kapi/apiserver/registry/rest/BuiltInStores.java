package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The stores of the built-in resources over {@code storage}, under a fresh prefix of the test etcd. */
final class BuiltInStores {

    private final ResourceRegistry resources;
    private final StoreRegistry stores;

    BuiltInStores(Storage storage) {
        String prefix = EtcdExtension.randomPrefix();
        var context = new RegistryContext(storage, prefix, "10.96.0.0/12", "30000-32767");
        this.resources = new ResourceRegistry(BuiltInResources.all(context));
        this.stores = new StoreRegistry(resources, storage, prefix);
    }

    @SuppressWarnings("unchecked")
    <T extends HasMetadata> Store<T> store(String group, String version, String resource) {
        return stores.store((ResourceDefinition<T>) resources.find(group, version, resource).orElseThrow());
    }
}

package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;

/** The built-in resources' stores on a storage under a key prefix, with the server's default Service ranges. */
public final class TestStores {

    private TestStores() {
    }

    public static StoreRegistry of(Storage storage, String prefix) {
        return new StoreRegistry(new ResourceRegistry(BuiltInResources.all(
                new RegistryContext(storage, prefix, "10.96.0.0/12", "30000-32767"))), storage, prefix);
    }
}

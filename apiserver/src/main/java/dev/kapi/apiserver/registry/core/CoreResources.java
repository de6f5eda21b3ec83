package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.List;

/** The core group's resources ({@code /api/v1}), one definition each. */
public final class CoreResources {

    private CoreResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        return List.of(
                ResourceDefinition.builder("", "v1", "namespaces", "Namespace", Namespace.class)
                        .clusterScoped().shortNames("ns").subresources("status").build(),
                ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class)
                        .shortNames("cm").build());
    }
}

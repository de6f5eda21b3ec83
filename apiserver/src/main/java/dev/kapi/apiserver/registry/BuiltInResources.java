package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.List;

/**
 * The built-in resources this server serves, in discovery order. Each line is one resource: its
 * place in the API, its fabric8 type and its strategy.
 */
public final class BuiltInResources {

    private BuiltInResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(
                ResourceDefinition.builder("", "v1", "namespaces", "Namespace", Namespace.class)
                        .clusterScoped().shortNames("ns").subresources("status").build(),
                ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class)
                        .shortNames("cm").build());
    }
}

package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.List;

/** The named API groups' resources ({@code /apis/<group>/<version>}), one definition each. */
public final class GroupResources {

    private GroupResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        return List.of(
                ResourceDefinition.builder("apps", "v1", "deployments", "Deployment", Deployment.class)
                        .shortNames("deploy").categories("all").subresources("status").build());
    }
}

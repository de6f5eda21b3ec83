package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StorageForm;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

import java.util.List;

/** The apiextensions.k8s.io group: customresourcedefinitions, stored under kube's group folder. */
public final class ApiExtensionsResources {

    public static final String GROUP = "apiextensions.k8s.io";

    private ApiExtensionsResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(ResourceDefinition.builder(GROUP, "v1", "customresourcedefinitions", "CustomResourceDefinition",
                        CustomResourceDefinition.class)
                .clusterScoped().shortNames("crd", "crds").categories("api-extensions").subresources("status")
                .tracksGeneration().strategy(new CrdStrategy())
                .storageForm(StorageForm.inGroupFolder(GROUP)).build());
    }
}

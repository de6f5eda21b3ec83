package dev.kapi.apiserver.registry.groups.apiregistration;

import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.APIService;

import java.util.List;

/**
 * apiregistration.k8s.io/v1: APIServices, stored and validated as kube-aggregator does. The server keeps a
 * {@code Local} APIService for each group/version it serves; it proxies to no extension API server, so an
 * APIService naming a service is stored and reported unavailable.
 */
public final class ApiRegistrationResources {

    public static final String GROUP = "apiregistration.k8s.io";

    private ApiRegistrationResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(ResourceDefinition.builder(GROUP, "v1", "apiservices", "APIService", APIService.class)
                .clusterScoped().categories("api-extensions").subresources("status")
                .strategy(new APIServiceStrategy()).build());
    }
}

package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.groups.apiregistration.ApiRegistrationResources;
import dev.kapi.apiserver.registry.groups.flowcontrol.FlowControlResources;

import java.util.ArrayList;
import java.util.List;

/**
 * The groups that configure the API server itself: flowcontrol.apiserver.k8s.io (API Priority and Fairness,
 * stored and bootstrapped, not enforced) and apiregistration.k8s.io (APIServices, Local ones kept for what is
 * served, nothing proxied).
 */
public final class ControlPlaneResources {

    private ControlPlaneResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        List<ResourceDefinition<?>> all = new ArrayList<>(FlowControlResources.all());
        all.addAll(ApiRegistrationResources.all());
        return all;
    }
}

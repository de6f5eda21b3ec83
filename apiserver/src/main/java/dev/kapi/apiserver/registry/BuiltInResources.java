package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.registry.core.CoreResources;
import dev.kapi.apiserver.registry.groups.GroupResources;
import dev.kapi.apiserver.registry.rbac.RbacResources;
import dev.kapi.apiserver.registry.reviews.ReviewResources;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in resources this server serves, in discovery order: the core group ({@code /api/v1}) and
 * then the named groups ({@code /apis/apps/v1}, ...).
 */
public final class BuiltInResources {

    private BuiltInResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        List<ResourceDefinition<?>> all = new ArrayList<>(CoreResources.all(context));
        all.addAll(GroupResources.all(context));
        all.addAll(dev.kapi.apiserver.registry.groups.autoscaling.AutoscalingResources.all());
        all.addAll(dev.kapi.apiserver.registry.groups.events.EventsResources.all());
        all.addAll(dev.kapi.apiserver.registry.groups.MoreGroupResources.all(context));
        all.addAll(RbacResources.all(context));
        all.addAll(dev.kapi.apiserver.registry.apiextensions.ApiExtensionsResources.all());
        all.addAll(ReviewResources.all());
        all.addAll(dev.kapi.apiserver.registry.groups.metrics.MetricsResources.all());
        all.addAll(dev.kapi.apiserver.registry.groups.ControlPlaneResources.all());
        return all;
    }
}

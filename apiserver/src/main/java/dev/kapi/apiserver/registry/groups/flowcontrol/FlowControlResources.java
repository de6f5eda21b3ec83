package dev.kapi.apiserver.registry.groups.flowcontrol;

import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;

import java.util.List;

/**
 * flowcontrol.apiserver.k8s.io/v1: the API Priority and Fairness configuration, stored and validated as kube
 * does and bootstrapped by {@link ApfConfigurationEnsurer}. This server does not enforce it: requests are not
 * classified, queued or rejected by it.
 */
public final class FlowControlResources {

    public static final String GROUP = "flowcontrol.apiserver.k8s.io";

    private FlowControlResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(
                ResourceDefinition.builder(GROUP, "v1", "flowschemas", "FlowSchema", FlowSchema.class)
                        .clusterScoped().subresources("status").tracksGeneration()
                        .strategy(new FlowSchemaStrategy()).build(),
                ResourceDefinition.builder(GROUP, "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration",
                                PriorityLevelConfiguration.class)
                        .clusterScoped().subresources("status").tracksGeneration()
                        .strategy(new PriorityLevelConfigurationStrategy()).build());
    }
}

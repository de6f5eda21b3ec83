package dev.kapi.apiserver.registry.groups.apiregistration;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code Local} APIServices kube-apiserver registers for what it serves itself (kube-aggregator's
 * autoregister): one per group/version, named {@code <version>.<group>}, with kube's group and version
 * priorities for the built-in groups ({@code onstart}) and 1000/100 for those of CustomResourceDefinitions
 * ({@code true}); a built-in group/version missing from kube's table gets none, as in kube.
 */
public final class LocalApiServices {

    /** kube-aggregator's label on the APIServices it manages: {@code onstart} or {@code true}. */
    public static final String AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged";

    private record Priority(int group, int version) {
    }

    /** kube-apiserver 1.32's {@code apiVersionPriorities}, for the group/versions this server can serve. */
    private static final Map<String, Priority> PRIORITIES = Map.ofEntries(
            Map.entry("v1", new Priority(18000, 1)),
            Map.entry("apiregistration.k8s.io/v1", new Priority(18000, 1)),
            Map.entry("apps/v1", new Priority(17800, 15)),
            Map.entry("events.k8s.io/v1", new Priority(17750, 15)),
            Map.entry("authentication.k8s.io/v1", new Priority(17700, 15)),
            Map.entry("authorization.k8s.io/v1", new Priority(17600, 15)),
            Map.entry("autoscaling/v1", new Priority(17500, 15)),
            Map.entry("autoscaling/v2", new Priority(17500, 30)),
            Map.entry("batch/v1", new Priority(17400, 15)),
            Map.entry("certificates.k8s.io/v1", new Priority(17300, 15)),
            Map.entry("networking.k8s.io/v1", new Priority(17200, 15)),
            Map.entry("policy/v1", new Priority(17100, 15)),
            Map.entry("rbac.authorization.k8s.io/v1", new Priority(17000, 15)),
            Map.entry("storage.k8s.io/v1", new Priority(16800, 15)),
            Map.entry("apiextensions.k8s.io/v1", new Priority(16700, 15)),
            Map.entry("admissionregistration.k8s.io/v1", new Priority(16700, 15)),
            Map.entry("scheduling.k8s.io/v1", new Priority(16600, 15)),
            Map.entry("coordination.k8s.io/v1", new Priority(16500, 15)),
            Map.entry("node.k8s.io/v1", new Priority(16300, 15)),
            Map.entry("discovery.k8s.io/v1", new Priority(16200, 15)),
            Map.entry("flowcontrol.apiserver.k8s.io/v1", new Priority(16100, 21)),
            // served in process here; metrics-server registers its APIService with these priorities
            Map.entry("metrics.k8s.io/v1beta1", new Priority(100, 100)));

    private LocalApiServices() {
    }

    /** The Local APIServices for what {@code snapshot} serves, by name, in the registry's order. */
    public static Map<String, APIService> of(ResourceRegistry.Snapshot snapshot) {
        Map<String, APIService> out = new LinkedHashMap<>();
        for (ResourceDefinition<?> d : snapshot.all()) {
            String name = d.version() + "." + d.group();
            if (out.containsKey(name)) {
                continue;
            }
            Priority p = d.custom() ? new Priority(1000, 100) : PRIORITIES.get(d.apiVersion());
            if (p == null) {
                continue;
            }
            out.put(name, new APIServiceBuilder().withNewMetadata().withName(name)
                    .withLabels(Map.of(AUTOMANAGED, d.custom() ? "true" : "onstart")).endMetadata()
                    .withNewSpec().withGroup(d.group()).withVersion(d.version()).withGroupPriorityMinimum(p.group())
                    .withVersionPriority(p.version()).endSpec().build());
        }
        return out;
    }
}

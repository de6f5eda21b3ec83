package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;

import java.util.List;

/**
 * The core group's resources ({@code /api/v1}) in discovery order, each with kube's short names, categories,
 * scope, subresources and its strategy. Services share one {@link ServiceAllocations} built from the context.
 */
public final class CoreResources {

    private CoreResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        ServiceAllocations allocations = new ServiceAllocations(context.storage(), context.keyPrefix(),
                context.serviceClusterIpRange() == null ? "10.96.0.0/12" : context.serviceClusterIpRange(),
                context.serviceNodePortRange() == null ? "30000-32767" : context.serviceNodePortRange());
        ReplicationControllerStrategy rc = new ReplicationControllerStrategy();
        return List.of(
                // no deletecollection, as in kube: each namespace delete passes NamespaceLifecycle
                def("namespaces", "Namespace", Namespace.class).clusterScoped().shortNames("ns")
                        .verbs("create", "delete", "get", "list", "patch", "update", "watch")
                        .subresources("status", "finalize").strategy(new NamespaceStrategy()).build(),
                def("configmaps", "ConfigMap", ConfigMap.class).shortNames("cm")
                        .strategy(new ConfigMapStrategy()).build(),
                def("secrets", "Secret", Secret.class).strategy(new SecretStrategy()).build(),
                def("pods", "Pod", Pod.class).shortNames("po").categories("all")
                        .subresources("status", "eviction", "binding", "ephemeralcontainers", "log", "exec", "attach",
                                "portforward", "proxy")
                        .tracksGeneration().strategy(new PodStrategy()).build(),
                def("services", "Service", Service.class).shortNames("svc").categories("all")
                        .subresources("status", "proxy").strategy(new ServiceStrategy(allocations)).build(),
                def("serviceaccounts", "ServiceAccount", ServiceAccount.class).shortNames("sa").subresources("token")
                        .strategy(new ServiceAccountStrategy()).build(),
                def("events", "Event", Event.class).shortNames("ev").strategy(new EventStrategy()).build(),
                def("endpoints", "Endpoints", Endpoints.class).shortNames("ep")
                        .strategy(new EndpointsStrategy()).build(),
                def("nodes", "Node", Node.class).clusterScoped().shortNames("no")
                        .subresources("status", "proxy").strategy(new NodeStrategy()).build(),
                def("limitranges", "LimitRange", LimitRange.class).shortNames("limits")
                        .strategy(new LimitRangeStrategy()).build(),
                def("resourcequotas", "ResourceQuota", ResourceQuota.class).shortNames("quota")
                        .subresources("status").strategy(new ResourceQuotaStrategy()).build(),
                def("persistentvolumeclaims", "PersistentVolumeClaim", PersistentVolumeClaim.class).shortNames("pvc")
                        .subresources("status").strategy(new PersistentVolumeClaimStrategy()).build(),
                def("persistentvolumes", "PersistentVolume", PersistentVolume.class).clusterScoped().shortNames("pv")
                        .subresources("status").strategy(new PersistentVolumeStrategy()).build(),
                def("replicationcontrollers", "ReplicationController", ReplicationController.class)
                        .shortNames("rc").categories("all").subresources("status").tracksGeneration().strategy(rc).scale(rc).build());
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceDefinition.Builder<T> def(
            String resource, String kind, Class<T> type) {
        return ResourceDefinition.builder("", "v1", resource, kind, type);
    }
}

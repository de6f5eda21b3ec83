package dev.kapi.apiserver.registry.schema;

import java.util.HashMap;
import java.util.Map;

/**
 * The strategic-merge-patch strategies and merge keys of the built-in types: the {@code patchStrategy} /
 * {@code patchMergeKey} struct tags of the Kubernetes Go types, which kube's OpenAPI publishes as
 * {@code x-kubernetes-patch-strategy} / {@code x-kubernetes-patch-merge-key}. Keyed by the Go type name
 * that declares the field (fabric8's simple class name) and the JSON field name. Fields not listed have no
 * strategy: their lists are replaced by a patch.
 */
final class PatchStrategies {

    /** A field's {@code x-kubernetes-patch-strategy} (comma separated) and merge key (empty for none). */
    record Tag(String strategy, String mergeKey) {
    }

    /** "DeclaringType.jsonField" → tag. */
    private static final Map<String, Tag> TAGS = new HashMap<>();

    private static void tag(String strategy, String mergeKey, String... fields) {
        for (String f : fields) {
            TAGS.put(f, new Tag(strategy, mergeKey));
        }
    }

    static {
        // meta/v1
        tag("merge", "", "ObjectMeta.finalizers");
        tag("merge", "uid", "ObjectMeta.ownerReferences");
        // core/v1
        tag("merge", "name", "PodSpec.containers", "PodSpec.initContainers", "PodSpec.ephemeralContainers",
                "PodSpec.imagePullSecrets", "PodSpec.schedulingGates", "PodSpec.evictionResponders",
                "ServiceAccount.secrets", "ContainerStatus.allocatedResourcesStatus");
        tag("merge,retainKeys", "name", "PodSpec.volumes", "PodSpec.resourceClaims",
                "PodStatus.resourceClaimStatuses");
        tag("merge", "ip", "PodSpec.hostAliases", "PodStatus.hostIPs", "PodStatus.podIPs");
        tag("merge", "topologyKey", "PodSpec.topologySpreadConstraints");
        for (String c : new String[]{"Container", "EphemeralContainer"}) {
            tag("merge", "containerPort", c + ".ports");
            tag("merge", "name", c + ".env");
            tag("merge", "mountPath", c + ".volumeMounts");
            tag("merge", "devicePath", c + ".volumeDevices");
        }
        tag("merge", "mountPath", "ContainerStatus.volumeMounts");
        tag("merge", "status", "VolumeHealthStatus.healthConditions", "PodVolumeHealth.healthConditions");
        tag("merge", "resourceClaimName", "PodStatus.nodeAllocatableResourceClaimStatuses");
        tag("merge", "port", "ServiceSpec.ports");
        tag("merge", "", "NodeSpec.podCIDRs");
        tag("merge", "type", "NodeStatus.addresses");
        tag("merge", "name", "NodeAllocatableResourceClaimStatus.mapping",
                "NodeAllocatableResourceClaimStatus.overhead");
        // status conditions, by type
        for (String s : new String[]{"PodStatus", "PersistentVolumeClaimStatus", "ReplicationControllerStatus",
                "ServiceStatus", "NodeStatus", "NamespaceStatus", "ComponentStatus", "StatefulSetStatus",
                "DeploymentStatus", "DaemonSetStatus", "ReplicaSetStatus", "JobStatus",
                "HorizontalPodAutoscalerStatus", "PodDisruptionBudgetStatus", "FlowSchemaStatus",
                "PriorityLevelConfigurationStatus", "ServiceCIDRStatus", "StorageVersionMigrationStatus",
                "PodCertificateRequestStatus", "DeviceTaintRuleStatus"}) {
            tag("merge", "type", s + ".conditions");
        }
        // apps/v1
        tag("retainKeys", "", "DeploymentSpec.strategy");
        // other groups
        tag("merge", "name", "JobSchedulingConfiguration.resourceClaims",
                "ValidatingAdmissionPolicySpec.matchConditions", "ValidatingAdmissionPolicySpec.variables",
                "ValidatingWebhookConfiguration.webhooks", "MutatingWebhookConfiguration.webhooks",
                "ValidatingWebhook.matchConditions", "MutatingWebhook.matchConditions",
                "MutatingAdmissionPolicySpec.matchConditions", "CSINodeSpec.drivers", "CSINodeStatus.storageHealth");
        tag("merge", "uid", "ResourceClaimStatus.reservedFor");
        tag("replace", "", "PodDisruptionBudgetSpec.selector");
    }

    private PatchStrategies() {
    }

    /** The tag of field {@code jsonField} declared by the type {@code declaringType}, or null. */
    static Tag of(String declaringType, String jsonField) {
        return TAGS.get(declaringType + "." + jsonField);
    }

    /** Every "DeclaringType.jsonField" the table tags (for tests that check each names a real field). */
    static java.util.Set<String> fields() {
        return java.util.Set.copyOf(TAGS.keySet());
    }
}

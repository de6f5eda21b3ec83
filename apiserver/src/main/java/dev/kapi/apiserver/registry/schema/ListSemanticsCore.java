package dev.kapi.apiserver.registry.schema;

/**
 * {@link ListSemantics} of core/v1, meta/v1, apiextensions and apiregistration: the {@code +listType},
 * {@code +listMapKey}, {@code +mapType} and {@code +structType} markers of kubernetes/api core/v1/types.go,
 * apimachinery pkg/apis/meta/v1/types.go, apiextensions-apiserver pkg/apis/apiextensions/v1 and v1beta1 and
 * kube-aggregator pkg/apis/apiregistration/v1/types.go, fields of inline-embedded types included.
 */
final class ListSemanticsCore {

    private ListSemanticsCore() {
    }

    static void load(ListSemantics.Table t) {
        t.in("core", "v1");
        t.map("containerPort,protocol", "Container.ports", "EphemeralContainer.ports");
        t.map("devicePath", "Container.volumeDevices", "EphemeralContainer.volumeDevices");
        t.map("ip", "PodSpec.hostAliases", "PodStatus.podIPs");
        t.map("mountPath", "Container.volumeMounts", "ContainerStatus.volumeMounts",
                "EphemeralContainer.volumeMounts");
        t.map("name", "Container.env", "ContainerStatus.allocatedResourcesStatus", "EphemeralContainer.env",
                "NodeAllocatableResourceClaimStatus.mapping", "NodeAllocatableResourceClaimStatus.overhead",
                "PodSpec.containers", "PodSpec.ephemeralContainers", "PodSpec.evictionResponders",
                "PodSpec.imagePullSecrets", "PodSpec.initContainers", "PodSpec.resourceClaims",
                "PodSpec.schedulingGates", "PodSpec.volumes", "PodStatus.resourceClaimStatuses",
                "PodStatus.volumeHealth", "ResourceRequirements.claims", "ServiceAccount.secrets");
        t.map("port,protocol", "ServiceSpec.ports");
        t.map("resourceClaimName", "PodStatus.nodeAllocatableResourceClaimStatuses");
        t.map("resourceID", "ResourceStatus.resources");
        t.map("status,reason", "PodVolumeHealth.healthConditions", "VolumeHealthStatus.healthConditions");
        t.map("topologyKey,whenUnsatisfiable", "PodSpec.topologySpreadConstraints");
        t.map("type", "ComponentStatus.conditions", "NamespaceStatus.conditions", "NodeStatus.addresses",
                "NodeStatus.conditions", "PersistentVolumeClaimStatus.conditions", "PodStatus.conditions",
                "ReplicationControllerStatus.conditions", "ServiceStatus.conditions");
        t.set("ContainerRestartRuleOnExitCodes.values", "NodeAllocatableResourceClaimStatus.containers",
                "NodePodPreemptionPolicy.disableResizePreemption", "NodeSpec.podCIDRs",
                "VolumeMount.bindMountOptions");
        t.atomic("Capabilities.add", "Capabilities.drop", "CephFSPersistentVolumeSource.monitors",
                "CephFSVolumeSource.monitors", "ConfigMapProjection.items", "ConfigMapVolumeSource.items",
                "Container.args", "Container.command", "Container.envFrom", "Container.resizePolicy",
                "Container.restartPolicyRules", "ContainerImage.names", "DownwardAPIProjection.items",
                "DownwardAPIVolumeSource.items", "EndpointSubset.addresses", "EndpointSubset.notReadyAddresses",
                "EndpointSubset.ports", "Endpoints.subsets", "EphemeralContainer.args", "EphemeralContainer.command",
                "EphemeralContainer.envFrom", "EphemeralContainer.resizePolicy",
                "EphemeralContainer.restartPolicyRules", "ExecAction.command", "FCVolumeSource.targetWWNs",
                "FCVolumeSource.wwids", "HTTPGetAction.httpHeaders", "HostAlias.hostnames",
                "ISCSIPersistentVolumeSource.portals", "ISCSIVolumeSource.portals", "LimitRangeSpec.limits",
                "LinuxContainerUser.supplementalGroups", "LoadBalancerIngress.ports", "LoadBalancerStatus.ingress",
                "NamespaceSpec.finalizers", "NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
                "NodeSelector.nodeSelectorTerms", "NodeSelectorRequirement.values",
                "NodeSelectorTerm.matchExpressions", "NodeSelectorTerm.matchFields", "NodeSpec.taints",
                "NodeStatus.declaredFeatures", "NodeStatus.images", "NodeStatus.runtimeHandlers",
                "NodeStatus.volumesAttached", "NodeStatus.volumesInUse", "PersistentVolumeClaimSpec.accessModes",
                "PersistentVolumeClaimStatus.accessModes", "PersistentVolumeSpec.accessModes",
                "PersistentVolumeSpec.mountOptions", "PodAffinity.preferredDuringSchedulingIgnoredDuringExecution",
                "PodAffinity.requiredDuringSchedulingIgnoredDuringExecution", "PodAffinityTerm.matchLabelKeys",
                "PodAffinityTerm.mismatchLabelKeys", "PodAffinityTerm.namespaces",
                "PodAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
                "PodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution", "PodDNSConfig.nameservers",
                "PodDNSConfig.options", "PodDNSConfig.searches", "PodExecOptions.command",
                "PodExtendedResourceClaimStatus.requestMappings", "PodSecurityContext.supplementalGroups",
                "PodSecurityContext.sysctls", "PodSpec.readinessGates", "PodSpec.tolerations",
                "PodStatus.containerStatuses", "PodStatus.ephemeralContainerStatuses", "PodStatus.hostIPs",
                "PodStatus.initContainerStatuses", "ProjectedVolumeSource.sources",
                "RBDPersistentVolumeSource.monitors", "RBDVolumeSource.monitors", "ResourceQuotaSpec.scopes",
                "ScopeSelector.matchExpressions", "ScopedResourceSelectorRequirement.values", "SecretProjection.items",
                "SecretVolumeSource.items", "ServiceAccount.imagePullSecrets", "ServiceSpec.clusterIPs",
                "ServiceSpec.externalIPs", "ServiceSpec.ipFamilies", "ServiceSpec.loadBalancerSourceRanges",
                "TopologySelectorLabelRequirement.values", "TopologySelectorTerm.matchLabelExpressions",
                "TopologySpreadConstraint.matchLabelKeys");
        t.atomicMap("PodSpec.nodeSelector", "ReplicationControllerSpec.selector", "ServiceSpec.selector");
        t.granularMap("PersistentVolumeClaimStatus.allocatedResourceStatuses", "PersistentVolumeSpec.claimRef");
        t.atomicType("ConfigMapKeySelector", "EndpointAddress", "EndpointPort", "EvictionResponder", "FileKeySelector",
                "LocalObjectReference", "NodeSelector", "NodeSelectorTerm", "ObjectFieldSelector", "ObjectReference",
                "ResourceFieldSelector", "ScopeSelector", "SecretKeySelector", "SecretReference",
                "TopologySelectorTerm", "TypedLocalObjectReference");
        t.in("meta", "v1");
        t.map("uid", "ObjectMeta.ownerReferences");
        t.set("ObjectMeta.finalizers");
        t.atomic("APIGroup.serverAddressByClientCIDRs", "APIGroup.versions", "APIGroupList.groups",
                "APIResource.categories", "APIResource.shortNames", "APIResourceList.resources",
                "APIVersions.serverAddressByClientCIDRs", "APIVersions.versions", "CreateOptions.dryRun",
                "DeleteOptions.dryRun", "FieldSelectorRequirement.values", "LabelSelector.matchExpressions",
                "LabelSelectorRequirement.values", "ObjectMeta.managedFields", "PatchOptions.dryRun",
                "RootPaths.paths", "StatusDetails.causes", "Table.columnDefinitions", "Table.rows", "TableRow.cells",
                "UpdateOptions.dryRun");
        t.atomicType("LabelSelector", "OwnerReference");
        t.in("apiextensions", "v1", "v1beta1");
        t.map("rule", "JSONSchemaProps.x-kubernetes-validations");
        t.map("type", "CustomResourceDefinitionStatus.conditions");
        t.atomic("CustomResourceDefinitionNames.categories", "CustomResourceDefinitionNames.shortNames",
                "CustomResourceDefinitionSpec.versions", "CustomResourceDefinitionStatus.storedVersions",
                "CustomResourceDefinitionVersion.additionalPrinterColumns", "JSONSchemaProps.allOf",
                "JSONSchemaProps.anyOf", "JSONSchemaProps.enum", "JSONSchemaProps.oneOf", "JSONSchemaProps.required",
                "JSONSchemaProps.x-kubernetes-list-map-keys");
        t.in("apiextensions", "v1");
        t.atomic("ConversionRequest.objects", "ConversionResponse.convertedObjects",
                "CustomResourceDefinitionVersion.selectableFields", "WebhookConversion.conversionReviewVersions");
        t.in("apiextensions", "v1beta1");
        t.atomic("CustomResourceConversion.conversionReviewVersions",
                "CustomResourceDefinitionSpec.additionalPrinterColumns");
        t.in("apiregistration", "v1");
        t.map("type", "APIServiceStatus.conditions");
        t.atomic("APIServiceSpec.caBundle");
    }
}

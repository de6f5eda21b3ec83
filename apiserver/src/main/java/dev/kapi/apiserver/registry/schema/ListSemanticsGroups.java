package dev.kapi.apiserver.registry.schema;

/**
 * {@link ListSemantics} of the named groups of kubernetes/api: the {@code +listType}, {@code +listMapKey},
 * {@code +mapType} and {@code +structType} markers of {@code <group>/<version>/types.go}, fields of
 * inline-embedded types (and of Go type aliases to another version's type) included. Left out: the
 * {@code +listType=atomic} that admissionregistration/v1beta1 puts on {@code ValidatingWebhook.sideEffects},
 * a string, where a list type means nothing.
 */
final class ListSemanticsGroups {

    private ListSemanticsGroups() {
    }

    static void load(ListSemantics.Table t) {
        t.in("apps", "v1");
        t.map("type", "DaemonSetStatus.conditions", "DeploymentStatus.conditions", "ReplicaSetStatus.conditions",
                "StatefulSetStatus.conditions");
        t.atomic("StatefulSetSpec.volumeClaimTemplates");
        t.in("batch", "v1", "v1beta1");
        t.atomic("CronJobStatus.active");
        t.in("batch", "v1");
        t.map("name", "JobSchedulingConfiguration.resourceClaims");
        t.set("PodFailurePolicyOnExitCodesRequirement.values", "UncountedTerminatedPods.failed",
                "UncountedTerminatedPods.succeeded");
        t.atomic("JobStatus.conditions", "PodFailurePolicy.rules", "PodFailurePolicyRule.onPodConditions",
                "SuccessPolicy.rules");
        t.in("autoscaling", "v2");
        t.map("type", "HorizontalPodAutoscalerStatus.conditions");
        t.atomic("HPAScalingRules.policies", "HorizontalPodAutoscalerSpec.metrics",
                "HorizontalPodAutoscalerStatus.currentMetrics");
        t.in("autoscaling", "v1");
        t.atomicType("CrossVersionObjectReference");
        t.in("policy", "v1", "v1beta1");
        t.map("type", "PodDisruptionBudgetStatus.conditions");
        t.in("networking", "v1", "v1beta1");
        t.atomic("HTTPIngressRuleValue.paths", "IngressSpec.rules", "IngressSpec.tls", "IngressTLS.hosts");
        t.in("networking", "v1");
        t.map("type", "ServiceCIDRStatus.conditions");
        t.atomic("IPBlock.except", "IngressLoadBalancerIngress.ports", "IngressLoadBalancerStatus.ingress",
                "NetworkPolicyEgressRule.ports", "NetworkPolicyEgressRule.to", "NetworkPolicyIngressRule.from",
                "NetworkPolicyIngressRule.ports", "NetworkPolicySpec.egress", "NetworkPolicySpec.ingress",
                "NetworkPolicySpec.policyTypes", "ServiceCIDRSpec.cidrs");
        t.atomicType("ServiceBackendPort");
        t.in("extensions", "v1beta1");
        t.map("type", "DaemonSetStatus.conditions", "DeploymentStatus.conditions", "ReplicaSetStatus.conditions");
        t.atomic("HTTPIngressRuleValue.paths", "IPBlock.except", "IngressSpec.rules", "IngressSpec.tls",
                "IngressTLS.hosts", "NetworkPolicyEgressRule.ports", "NetworkPolicyEgressRule.to",
                "NetworkPolicyIngressRule.from", "NetworkPolicyIngressRule.ports", "NetworkPolicySpec.egress",
                "NetworkPolicySpec.ingress", "NetworkPolicySpec.policyTypes");
        t.atomicMap("ScaleStatus.selector");
        t.in("discovery", "v1", "v1beta1");
        t.set("Endpoint.addresses");
        t.atomic("EndpointHints.forZones", "EndpointSlice.endpoints", "EndpointSlice.ports");
        t.in("discovery", "v1");
        t.atomic("EndpointHints.forNodes");
        t.atomicType("EndpointPort");
        t.in("node", "v1", "v1beta1", "v1alpha1");
        t.atomic("Scheduling.tolerations");
        t.atomicMap("Scheduling.nodeSelector");
        t.in("scheduling", "v1beta1", "v1alpha3");
        t.map("name", "CompositePodGroupTemplate.compositePodGroupTemplates",
                "CompositePodGroupTemplate.podGroupTemplates", "PodGroupSpec.resourceClaims",
                "PodGroupStatus.resourceClaimStatuses", "PodGroupTemplate.resourceClaims",
                "WorkloadSpec.compositePodGroupTemplates", "WorkloadSpec.podGroupTemplates");
        t.map("type", "PodGroupStatus.conditions");
        t.atomic("CompositePodGroupSchedulingConstraints.topology", "PodGroupSchedulingConstraints.topology");
        t.in("scheduling", "v1alpha3");
        t.map("type", "CompositePodGroupStatus.conditions");
        t.atomic("WorkloadPodGroupSchedulingConstraints.topology");
        t.in("storage", "v1", "v1beta1");
        t.map("name", "CSINodeSpec.drivers");
        t.atomic("CSIDriverSpec.tokenRequests", "CSINodeDriver.topologyKeys", "StorageClass.allowedTopologies",
                "StorageClass.mountOptions");
        t.in("storage", "v1");
        t.map("name", "CSINodeStatus.storageHealth");
        t.set("CSIDriverSpec.volumeLifecycleModes");
        t.atomic("StorageHealth.healthConditions");
        t.in("storage", "v1beta1");
        t.atomic("CSIDriverSpec.volumeLifecycleModes");
        t.in("storagemigration", "v1", "v1beta1");
        t.map("type", "StorageVersionMigrationStatus.conditions");
        t.in("certificates", "v1", "v1beta1");
        t.map("type", "CertificateSigningRequestStatus.conditions", "PodCertificateRequestStatus.conditions");
        t.atomic("CertificateSigningRequestSpec.groups", "CertificateSigningRequestSpec.usages");
        t.in("rbac", "v1");
        t.atomic("AggregationRule.clusterRoleSelectors", "ClusterRole.rules", "ClusterRoleBinding.subjects",
                "PolicyRule.apiGroups", "PolicyRule.nonResourceURLs", "PolicyRule.resourceNames",
                "PolicyRule.resources", "PolicyRule.verbs", "Role.rules", "RoleBinding.subjects");
        t.atomicType("RoleRef", "Subject");
        t.in("admissionregistration", "v1", "v1beta1", "v1alpha1");
        t.map("name", "MutatingAdmissionPolicySpec.matchConditions");
        t.atomic("MatchResources.excludeResourceRules", "MatchResources.resourceRules",
                "MutatingAdmissionPolicySpec.mutations", "MutatingAdmissionPolicySpec.variables",
                "NamedRuleWithOperations.apiGroups", "NamedRuleWithOperations.apiVersions",
                "NamedRuleWithOperations.operations", "NamedRuleWithOperations.resourceNames",
                "NamedRuleWithOperations.resources");
        t.atomicType("MatchResources", "NamedRuleWithOperations", "ParamKind", "ParamRef");
        t.in("admissionregistration", "v1", "v1beta1");
        t.map("name", "MutatingWebhookConfiguration.webhooks", "ValidatingWebhookConfiguration.webhooks");
        t.atomic("MutatingWebhook.admissionReviewVersions", "MutatingWebhook.rules", "RuleWithOperations.apiGroups",
                "RuleWithOperations.apiVersions", "RuleWithOperations.operations", "RuleWithOperations.resources",
                "ValidatingWebhook.admissionReviewVersions", "ValidatingWebhook.rules");
        t.atomicType("Variable");
        t.in("admissionregistration", "v1");
        t.map("name", "MutatingWebhook.matchConditions", "ValidatingAdmissionPolicySpec.matchConditions",
                "ValidatingAdmissionPolicySpec.variables", "ValidatingWebhook.matchConditions");
        t.map("type", "ValidatingAdmissionPolicyStatus.conditions");
        t.set("ValidatingAdmissionPolicyBindingSpec.validationActions");
        t.atomic("Rule.apiGroups", "Rule.apiVersions", "Rule.resources", "TypeChecking.expressionWarnings",
                "ValidatingAdmissionPolicySpec.auditAnnotations", "ValidatingAdmissionPolicySpec.validations");
        t.in("flowcontrol", "v1", "v1beta3", "v1beta2", "v1beta1");
        t.map("type", "FlowSchemaStatus.conditions", "PriorityLevelConfigurationStatus.conditions");
        t.set("NonResourcePolicyRule.nonResourceURLs", "NonResourcePolicyRule.verbs", "ResourcePolicyRule.apiGroups",
                "ResourcePolicyRule.namespaces", "ResourcePolicyRule.resources", "ResourcePolicyRule.verbs");
        t.atomic("FlowSchemaSpec.rules", "PolicyRulesWithSubjects.nonResourceRules",
                "PolicyRulesWithSubjects.resourceRules", "PolicyRulesWithSubjects.subjects");
        t.in("resource", "v1", "v1beta2", "v1beta1");
        t.map("driver,device,pool,shareID", "ResourceClaimStatus.devices");
        t.map("type", "AllocatedDeviceStatus.conditions");
        t.map("uid", "ResourceClaimStatus.reservedFor");
        t.set("DeviceRequestAllocationResult.skipNodeOperations", "ResourceSliceSpec.skipNodeOperations");
        t.atomic("CapacityRequestPolicy.validValues", "DeviceAllocationConfiguration.requests",
                "DeviceAllocationResult.config", "DeviceAllocationResult.results", "DeviceAttribute.bools",
                "DeviceAttribute.ints", "DeviceAttribute.strings", "DeviceAttribute.versions", "DeviceClaim.config",
                "DeviceClaim.constraints", "DeviceClaim.requests", "DeviceClaimConfiguration.requests",
                "DeviceClassSpec.config", "DeviceClassSpec.selectors", "DeviceConstraint.requests",
                "DeviceRequest.firstAvailable", "DeviceRequestAllocationResult.bindingConditions",
                "DeviceRequestAllocationResult.bindingFailureConditions", "DeviceRequestAllocationResult.tolerations",
                "DeviceSubRequest.selectors", "DeviceSubRequest.tolerations", "NetworkDeviceData.ips",
                "ResourceSliceSpec.devices", "ResourceSliceSpec.sharedCounters");
        t.in("resource", "v1", "v1beta2", "v1alpha3");
        t.map("type", "DeviceTaintRuleStatus.conditions");
        t.in("resource", "v1", "v1beta2");
        t.atomic("Device.bindingConditions", "Device.bindingFailureConditions", "Device.consumesCounters",
                "Device.taints", "ExactDeviceRequest.selectors", "ExactDeviceRequest.tolerations");
        t.in("resource", "v1beta1");
        t.atomic("BasicDevice.bindingConditions", "BasicDevice.bindingFailureConditions",
                "BasicDevice.consumesCounters", "BasicDevice.taints", "DeviceRequest.selectors",
                "DeviceRequest.tolerations");
        t.in("resource", "v1alpha3");
        t.map("type", "ResourcePoolStatusRequestStatus.conditions");
        t.atomic("PoolStatus.partitionSummary", "ResourcePoolStatusRequestStatus.pools",
                "ShareableSummaryStatus.capacity");
        t.in("authentication", "v1", "v1beta1");
        t.atomic("TokenReviewSpec.audiences", "TokenReviewStatus.audiences", "UserInfo.groups");
        t.in("authentication", "v1");
        t.atomic("TokenRequestSpec.audiences");
        t.in("authorization", "v1", "v1beta1");
        t.atomic("NonResourceRule.nonResourceURLs", "NonResourceRule.verbs", "ResourceRule.apiGroups",
                "ResourceRule.resourceNames", "ResourceRule.resources", "ResourceRule.verbs",
                "SubjectRulesReviewStatus.nonResourceRules", "SubjectRulesReviewStatus.resourceRules");
        t.in("authorization", "v1");
        t.atomic("FieldSelectorAttributes.requirements", "LabelSelectorAttributes.requirements",
                "SubjectAccessReviewSpec.groups");
        t.in("authorization", "v1beta1");
        t.atomic("SubjectAccessReviewSpec.group");
        t.in("admission", "v1", "v1beta1");
        t.atomic("AdmissionResponse.warnings");
        t.in("lifecycle", "v1alpha1");
        t.map("name", "EvictionStatus.requesters", "EvictionStatus.responders", "EvictionStatus.targetResponders");
        t.map("type", "EvictionRequestStatus.conditions", "EvictionStatus.conditions");
        t.atomicType("Requester", "TargetResponder");
        t.granularType("ResponderStatus");
    }
}

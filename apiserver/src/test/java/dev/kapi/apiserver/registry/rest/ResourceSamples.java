package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.apiextensions.CrdConditions;
import dev.kapi.apiserver.registry.apiextensions.CrdStrategy;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The smallest object kube-apiserver accepts for every built-in resource, keyed {@code group/resource}
 * ({@code /pods} for the core group), for {@link ResourceContractTest}. Samples carry no name or namespace
 * (the test sets them). Each also names:
 * <ul>
 *   <li>{@code status}: a valid status (merge patch) for resources with a {@code status} subresource,</li>
 *   <li>{@code change}: a valid change of a mutable non-metadata, non-status field (a "spec change",
 *       which must bump {@code metadata.generation} where the resource has one), or null when the
 *       resource has none (a namespace: only {@code /finalize} changes its spec).</li>
 * </ul>
 * and whether the kind keeps a {@link Generation}.
 * Adding a resource to the server without a sample here fails {@code ResourceContractTest}.
 */
final class ResourceSamples {

    /** One kind's sample; {@code status} is null when the resource has no status subresource. */
    record Sample(Generation generation, String object, String status, String change) {
    }

    /**
     * Whether kube-apiserver keeps {@code metadata.generation} for the kind (1 on create, +1 on a spec
     * change), and, when Kapi differs, the known bug: then the test expects Kapi's current (wrong) answer
     * so that fixing the bug fails the test until this table is corrected.
     */
    record Generation(boolean kube, String kapiBug) {
        boolean kapi() {
            return kapiBug == null ? kube : !kube;
        }
    }

    private static final Generation TRACKED = new Generation(true, null);
    private static final Generation NONE = new Generation(false, null);
    private static final String CONTAINER = """
            {"name":"c","image":"nginx"}""";
    private static final String POD_TEMPLATE = """
            {"metadata":{"labels":{"app":"rt"}},"spec":{"containers":[%s]}}""".formatted(CONTAINER);
    private static final String JOB_TEMPLATE = """
            {"spec":{"restartPolicy":"Never","containers":[%s]}}""".formatted(CONTAINER);
    private static final String SELECTOR = """
            {"matchLabels":{"app":"rt"}}""";
    private static final String OBSERVED = """
            {"observedGeneration":1}""";
    private static final String LB_INGRESS = """
            {"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}""";

    private static final String RULE = """
            {"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}""";
    private static final String WEBHOOK = """
            {"name":"rt.example.com","clientConfig":{"url":"https://example.com/rt"},"sideEffects":"None",
             "admissionReviewVersions":["v1"],"rules":[%s]}""".formatted(RULE);

    private static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

    static {
        // core/v1
        add("/namespaces", NONE, "{}",
                """
                {"phase":"Active","conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"False"}]}""",
                null);
        add("/configmaps", NONE, """
                {"data":{"k":"v"}}""", null, """
                {"data":{"k":"v2"}}""");
        add("/secrets", NONE, """
                {"type":"Opaque","data":{"k":"dg=="}}""", null, """
                {"data":{"k":"dzI="}}""");
        add("/pods", TRACKED, """
                {"spec":{"containers":[%s]}}""".formatted(CONTAINER), """
                {"phase":"Running","podIP":"10.0.0.5"}""", """
                {"spec":{"activeDeadlineSeconds":600}}""");
        add("/services", NONE, """
                {"spec":{"ports":[{"port":80}]}}""", LB_INGRESS, """
                {"spec":{"ports":[{"port":81}]}}""");
        add("/serviceaccounts", NONE, "{}", null, """
                {"automountServiceAccountToken":false}""");
        add("/events", NONE, """
                {"involvedObject":{"kind":"Pod","namespace":"%NS%","name":"p"},"reason":"Tested","message":"m"}""",
                null, """
                {"message":"m2"}""");
        add("/endpoints", NONE, """
                {"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}""", null, """
                {"subsets":[{"addresses":[{"ip":"10.0.0.2"}],"ports":[{"port":80}]}]}""");
        add("/nodes", NONE, "{}", """
                {"capacity":{"cpu":"2","pods":"110"}}""", """
                {"spec":{"unschedulable":true}}""");
        add("/limitranges", NONE, """
                {"spec":{"limits":[{"type":"Container","default":{"cpu":"500m"}}]}}""", null, """
                {"spec":{"limits":[{"type":"Container","default":{"cpu":"600m"}}]}}""");
        add("/resourcequotas", NONE, """
                {"spec":{"hard":{"pods":"10"}}}""", """
                {"hard":{"pods":"10"},"used":{"pods":"1"}}""", """
                {"spec":{"hard":{"pods":"20"}}}""");
        add("/persistentvolumeclaims", NONE, """
                {"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""", """
                {"phase":"Bound"}""", """
                {"spec":{"resources":{"requests":{"storage":"2Gi"}}}}""");
        add("/persistentvolumes", NONE, """
                {"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/rt"}}}""",
                """
                {"phase":"Available"}""", """
                {"spec":{"capacity":{"storage":"2Gi"}}}""");
        add("/replicationcontrollers", TRACKED, """
                {"spec":{"selector":{"app":"rt"},"template":%s}}""".formatted(POD_TEMPLATE), OBSERVED, """
                {"spec":{"replicas":3}}""");
        // apps/v1
        add("apps/deployments", TRACKED, """
                {"spec":{"selector":%s,"template":%s}}""".formatted(SELECTOR, POD_TEMPLATE), OBSERVED, """
                {"spec":{"replicas":3}}""");
        add("apps/replicasets", TRACKED, """
                {"spec":{"selector":%s,"template":%s}}""".formatted(SELECTOR, POD_TEMPLATE), OBSERVED, """
                {"spec":{"replicas":3}}""");
        add("apps/statefulsets", TRACKED, """
                {"spec":{"selector":%s,"template":%s}}""".formatted(SELECTOR, POD_TEMPLATE), OBSERVED, """
                {"spec":{"replicas":3}}""");
        add("apps/daemonsets", TRACKED, """
                {"spec":{"selector":%s,"template":%s}}""".formatted(SELECTOR, POD_TEMPLATE), OBSERVED, """
                {"spec":{"minReadySeconds":5}}""");
        add("apps/controllerrevisions", NONE, """
                {"revision":1,"data":{"k":"v"}}""", null, """
                {"revision":2}""");
        // batch/v1
        add("batch/jobs", TRACKED, """
                {"spec":{"template":%s}}""".formatted(JOB_TEMPLATE), """
                {"active":1,"startTime":"2024-01-01T00:00:00Z"}""", """
                {"spec":{"activeDeadlineSeconds":600}}""");
        add("batch/cronjobs", TRACKED, """
                {"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":%s}}}}""".formatted(JOB_TEMPLATE),
                """
                {"lastScheduleTime":"2024-01-01T00:00:00Z"}""", """
                {"spec":{"schedule":"*/10 * * * *"}}""");
        // other groups
        add("coordination.k8s.io/leases", NONE, """
                {"spec":{"holderIdentity":"a"}}""", null, """
                {"spec":{"holderIdentity":"b"}}""");
        add("networking.k8s.io/ingresses", TRACKED, """
                {"spec":{"defaultBackend":{"service":{"name":"s","port":{"number":80}}}}}""", LB_INGRESS, """
                {"spec":{"defaultBackend":{"service":{"name":"s2","port":{"number":80}}}}}""");
        add("networking.k8s.io/ingressclasses", TRACKED, """
                {"spec":{"controller":"example.com/ingress"}}""", null, """
                {"spec":{"parameters":{"kind":"K","name":"p","apiGroup":"example.com"}}}""");
        add("networking.k8s.io/networkpolicies", TRACKED, """
                {"spec":{"podSelector":{}}}""", null, """
                {"spec":{"podSelector":{"matchLabels":{"app":"rt"}}}}""");
        add("storage.k8s.io/storageclasses", NONE, """
                {"provisioner":"example.com/disk"}""", null, """
                {"allowVolumeExpansion":true}""");
        add("autoscaling/horizontalpodautoscalers", NONE, """
                {"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3}}""",
                """
                {"currentReplicas":2,"desiredReplicas":3}""", """
                {"spec":{"maxReplicas":4}}""");
        add("events.k8s.io/events", NONE, """
                {"eventTime":"2026-01-02T03:04:05.000000Z","reportingController":"kapi.dev/test",
                 "reportingInstance":"test-1","action":"Testing","reason":"Tested","type":"Normal",
                 "regarding":{"kind":"Pod","namespace":"%NS%","name":"p"},"note":"n"}""", null, """
                {"series":{"count":2,"lastObservedTime":"2026-01-02T03:05:05.000000Z"}}""");
        add("policy/poddisruptionbudgets", TRACKED, """
                {"spec":{"selector":%s,"minAvailable":1}}""".formatted(SELECTOR), """
                {"observedGeneration":1,"disruptionsAllowed":0,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}""",
                """
                {"spec":{"minAvailable":2}}""");
        add("discovery.k8s.io/endpointslices", TRACKED, """
                {"addressType":"IPv4","endpoints":[]}""", null, """
                {"endpoints":[{"addresses":["10.0.0.1"]}]}""");
        add("scheduling.k8s.io/priorityclasses", NONE, """
                {"value":1000}""", null, """
                {"description":"rt"}""");
        add("flowcontrol.apiserver.k8s.io/flowschemas", TRACKED, """
                {"spec":{"priorityLevelConfiguration":{"name":"global-default"},"matchingPrecedence":5000}}""", """
                {"conditions":[{"type":"Dangling","status":"False","reason":"Found","message":"found",
                 "lastTransitionTime":"2024-01-01T00:00:00Z"}]}""", """
                {"spec":{"matchingPrecedence":5001}}""");
        add("flowcontrol.apiserver.k8s.io/prioritylevelconfigurations", TRACKED, """
                {"spec":{"type":"Limited","limited":{"nominalConcurrencyShares":5,"limitResponse":{"type":"Reject"}}}}""",
                """
                {"conditions":[{"type":"ConcurrencyShared","status":"True","reason":"r","message":"m",
                 "lastTransitionTime":"2024-01-01T00:00:00Z"}]}""", """
                {"spec":{"limited":{"nominalConcurrencyShares":6}}}""");
        add("admissionregistration.k8s.io/mutatingwebhookconfigurations", TRACKED, """
                {"webhooks":[%s]}""".formatted(WEBHOOK), null, """
                {"webhooks":[%s]}""".formatted(WEBHOOK.replace("}]", "}],\"timeoutSeconds\":5")));
        add("admissionregistration.k8s.io/validatingadmissionpolicies", TRACKED, """
                {"spec":{"matchConstraints":{"resourceRules":[%s]},"validations":[{"expression":"true"}]}}"""
                .formatted(RULE), """
                {"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"Checked",
                 "lastTransitionTime":"2024-01-01T00:00:00Z"}]}""", """
                {"spec":{"validations":[{"expression":"object.metadata.name != 'x'"}]}}""");
        add("admissionregistration.k8s.io/validatingadmissionpolicybindings", TRACKED, """
                {"spec":{"policyName":"rt-policy","validationActions":["Deny"]}}""", null, """
                {"spec":{"validationActions":["Warn","Audit"]}}""");
        add("admissionregistration.k8s.io/validatingwebhookconfigurations", TRACKED, """
                {"webhooks":[%s]}""".formatted(WEBHOOK), null, """
                {"webhooks":[%s]}""".formatted(WEBHOOK.replace("}]", "}],\"timeoutSeconds\":5")));
        add("rbac.authorization.k8s.io/clusterrolebindings", NONE, """
                {"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}""", null, """
                {"subjects":[{"kind":"User","name":"alice","apiGroup":"rbac.authorization.k8s.io"}]}""");
        add("rbac.authorization.k8s.io/clusterroles", NONE, "{}", null, """
                {"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""");
        add("rbac.authorization.k8s.io/rolebindings", NONE, """
                {"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}""", null, """
                {"subjects":[{"kind":"Group","name":"devs","apiGroup":"rbac.authorization.k8s.io"}]}""");
        add("contract.kapi.dev/widgets", TRACKED, """
                {"spec":{"size":1}}""", """
                {"ready":true}""", """
                {"spec":{"size":2}}""");
        add("rbac.authorization.k8s.io/roles", NONE, "{}", null, """
                {"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""");
        add("/podtemplates", NONE, """
                {"template":%s}""".formatted(POD_TEMPLATE), null, """
                {"template":{"spec":{"activeDeadlineSeconds":5}}}""");
        // the main resource of a CSR changes neither spec nor status: nothing to change but metadata
        add("certificates.k8s.io/certificatesigningrequests", NONE, """
                {"spec":{"request":"%s","signerName":"example.com/rt","usages":["client auth"]}}"""
                .formatted(dev.kapi.apiserver.registry.groups.certificates.TestCsrs.request("rt")), """
                {"conditions":[{"type":"Failed","status":"True","reason":"RT"}]}""", null);
        add("node.k8s.io/runtimeclasses", NONE, """
                {"handler":"runc"}""", null, """
                {"scheduling":{"nodeSelector":{"app":"rt"}}}""");
        add("storage.k8s.io/csidrivers", NONE, """
                {"spec":{}}""", null, """
                {"spec":{"podInfoOnMount":true}}""");
        add("storage.k8s.io/csinodes", NONE, """
                {"spec":{"drivers":[]}}""", null, """
                {"spec":{"drivers":[{"name":"x.csi","nodeID":"n1"}]}}""");
        add("storage.k8s.io/csistoragecapacities", NONE, """
                {"storageClassName":"fast"}""", null, """
                {"capacity":"1Gi"}""");
        // a VolumeAttachment's spec is fixed: only metadata and status change
        add("storage.k8s.io/volumeattachments", NONE, """
                {"spec":{"attacher":"x.csi","nodeName":"n1","source":{"persistentVolumeName":"pv1"}}}""", """
                {"attached":true}""", null);
    }

    private ResourceSamples() {
    }

    /** A CRD as the naming controller leaves it, serving {@code contract.kapi.dev/v1 widgets}. */
    static CustomResourceDefinition establishedCrd() {
        CustomResourceDefinition crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.contract.kapi.dev"},
                 "spec":{"group":"contract.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                   "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{
                       "spec":{"type":"object","properties":{"size":{"type":"integer"}}},
                       "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), CustomResourceDefinition.class);
        new CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted", ""));
        return crd;
    }

    private static void add(String key, Generation generation, String object, String status, String change) {
        if (SAMPLES.put(key, new Sample(generation, object, status, change)) != null) {
            throw new IllegalStateException("two samples for " + key);
        }
    }

    static String key(ResourceDefinition<?> def) {
        return def.group() + "/" + def.resource();
    }

    static Optional<Sample> of(ResourceDefinition<?> def) {
        return Optional.ofNullable(SAMPLES.get(key(def)));
    }

    static Map<String, Sample> all() {
        return SAMPLES;
    }
}

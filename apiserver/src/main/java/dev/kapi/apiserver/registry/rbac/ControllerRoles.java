package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authz.rbac.Rules;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roles kube's bootstrap policy gives the controllers Kapi runs in process ({@code system:controller:<name>},
 * each bound to service account {@code kube-system/<name>}, the identity the controller writes as), with kube's
 * rules; and {@code system:kube-scheduler}, bound to the user {@code system:kube-scheduler}. The server's own
 * controllers write through the write pipeline, which admits but does not authorize them: the roles tell an
 * administrator (and RBAC's escalation checks) what each controller may do, as in kube.
 */
final class ControllerRoles {

    static final String PREFIX = "system:controller:";
    static final String SCHEDULER = "system:kube-scheduler";

    private static final List<String> READ = List.of("get", "list", "watch");

    private ControllerRoles() {
    }

    /** Service account name → its role's rules (kube's, for the controllers Kapi has). */
    static Map<String, List<PolicyRule>> rules() {
        Map<String, List<PolicyRule>> roles = new LinkedHashMap<>();
        roles.put("cronjob-controller", List.of(
                rule("batch", "cronjobs", "get", "list", "watch", "update"),
                rule("batch", "jobs", "get", "list", "watch", "create", "update", "delete", "patch"),
                rule("batch", "cronjobs/status", "update"), rule("batch", "cronjobs/finalizers", "update"),
                rule("", "pods", "list", "watch", "delete"), events()));
        roles.put("daemon-set-controller", List.of(
                rule("apps", "daemonsets", "get", "list", "watch"), rule("apps", "daemonsets/status", "update"),
                rule("apps", "daemonsets/finalizers", "update"), rule("", "nodes", "list", "watch"),
                rule("", "pods", "list", "watch", "create", "delete", "patch"), rule("", "pods/binding", "create"),
                rule("apps", "controllerrevisions", "get", "list", "watch", "create", "delete", "update", "patch"),
                events()));
        roles.put("deployment-controller", List.of(
                rule("apps", "deployments", "get", "list", "watch", "update"),
                rule("apps", "deployments/status", "update"), rule("apps", "deployments/finalizers", "update"),
                rule("apps", "replicasets", "get", "list", "watch", "create", "update", "patch", "delete"),
                rule("", "pods", "get", "list", "watch", "update"), events()));
        roles.put("disruption-controller", List.of(
                rule("apps", "deployments", READ), rule("apps", "replicasets", READ),
                rule("", "replicationcontrollers", READ), rule("policy", "poddisruptionbudgets", READ),
                rule("apps", "statefulsets", READ), rule("policy", "poddisruptionbudgets/status", "update"),
                rule("", "pods/status", "patch", "update"), rule("*", "*/scale", "get"), events()));
        roles.put("endpoint-controller", List.of(
                Rules.resourceRule(List.of(""), List.of("services", "pods"), READ),
                rule("", "endpoints", "get", "list", "watch", "create", "update", "delete"),
                rule("", "endpoints/restricted", "create"), events()));
        roles.put("endpointslice-controller", List.of(
                Rules.resourceRule(List.of(""), List.of("services", "pods", "nodes"), READ),
                rule("", "services/finalizers", "update"),
                rule("discovery.k8s.io", "endpointslices", "get", "list", "watch", "create", "update", "delete"),
                events()));
        roles.put("horizontal-pod-autoscaler", List.of(
                rule("autoscaling", "horizontalpodautoscalers", READ),
                rule("autoscaling", "horizontalpodautoscalers/status", "update"), rule("*", "*/scale", "get", "update"),
                rule("", "pods", "list", "watch"), rule("metrics.k8s.io", "pods", "list", "watch"),
                rule("custom.metrics.k8s.io", "*", READ), rule("external.metrics.k8s.io", "*", READ), events()));
        roles.put("job-controller", List.of(
                rule("batch", "jobs", "get", "list", "watch", "update", "patch"), rule("batch", "jobs/status", "update"),
                rule("batch", "jobs/finalizers", "update"),
                rule("", "pods", "list", "watch", "create", "delete", "patch"), events()));
        roles.put("namespace-controller", List.of(
                rule("", "namespaces", "get", "list", "watch", "delete"),
                Rules.resourceRule(List.of(""), List.of("namespaces/finalize", "namespaces/status"), List.of("update")),
                rule("*", "*", "get", "list", "watch", "delete", "deletecollection")));
        roles.put("replicaset-controller", List.of(
                rule("apps", "replicasets", "get", "list", "watch", "update"),
                rule("apps", "replicasets/status", "update"), rule("apps", "replicasets/finalizers", "update"),
                rule("", "pods", "list", "watch", "patch", "create", "delete"), events()));
        roles.put("replication-controller", List.of(
                rule("", "replicationcontrollers", "get", "list", "watch", "update"),
                rule("", "replicationcontrollers/status", "update"),
                rule("", "replicationcontrollers/finalizers", "update"),
                rule("", "pods", "list", "watch", "patch", "create", "delete"), events()));
        roles.put("pod-garbage-collector", List.of(rule("", "pods", "list", "watch", "delete"),
                rule("", "nodes", "get", "list", "watch"), rule("", "pods/status", "patch")));
        roles.put("resourcequota-controller", List.of(rule("*", "*", "list", "watch"),
                rule("", "resourcequotas/status", "update"), events()));
        roles.put("root-ca-cert-publisher", List.of(rule("", "configmaps", "create", "update"), events()));
        roles.put("service-account-controller", List.of(rule("", "serviceaccounts", "create"), events()));
        roles.put("statefulset-controller", List.of(
                rule("", "pods", "list", "watch"), rule("apps", "statefulsets", READ),
                rule("apps", "statefulsets/status", "update"), rule("apps", "statefulsets/finalizers", "update"),
                rule("", "pods", "get", "create", "delete", "update", "patch"),
                rule("apps", "controllerrevisions", "get", "create", "delete", "update", "patch", "list", "watch"),
                rule("", "persistentvolumeclaims", "get", "create", "list", "watch"),
                rule("", "persistentvolumeclaims", "update", "delete"), rule("", "pods/finalizers", "update"),
                events()));
        roles.put("ttl-after-finished-controller", List.of(rule("batch", "jobs", "get", "list", "watch", "delete"),
                events()));
        roles.put("validatingadmissionpolicy-status-controller", List.of(
                rule("admissionregistration.k8s.io", "validatingadmissionpolicies", READ),
                rule("admissionregistration.k8s.io", "validatingadmissionpolicies/status", "get", "patch", "update"),
                events()));
        return roles;
    }

    /** kube's {@code system:kube-scheduler} (the parts the in-process scheduler uses and kube grants). */
    static List<PolicyRule> schedulerRules() {
        List<PolicyRule> rules = new ArrayList<>(List.of(events(),
                rule("coordination.k8s.io", "leases", "create"),
                Rules.rule(List.of("coordination.k8s.io"), List.of("leases"), List.of("kube-scheduler"), List.of(),
                        List.of("get", "update")),
                rule("", "nodes", READ), rule("", "pods", "get", "list", "watch", "delete"),
                Rules.resourceRule(List.of(""), List.of("bindings", "pods/binding"), List.of("create")),
                rule("", "pods/status", "patch", "update"),
                Rules.resourceRule(List.of(""), List.of("replicationcontrollers", "services"), READ),
                Rules.resourceRule(List.of("apps"), List.of("replicasets", "statefulsets"), READ),
                rule("policy", "poddisruptionbudgets", READ),
                Rules.resourceRule(List.of(""), List.of("persistentvolumeclaims", "persistentvolumes"), READ),
                rule("authentication.k8s.io", "tokenreviews", "create"),
                rule("authorization.k8s.io", "subjectaccessreviews", "create"),
                Rules.resourceRule(List.of("storage.k8s.io"), List.of("csinodes", "csidrivers", "csistoragecapacities",
                        "storageclasses"), READ),
                rule("", "namespaces", READ)));
        return rules;
    }

    private static PolicyRule rule(String group, String resource, String... verbs) {
        return Rules.resourceRule(List.of(group), List.of(resource), List.of(verbs));
    }

    private static PolicyRule rule(String group, String resource, List<String> verbs) {
        return Rules.resourceRule(List.of(group), List.of(resource), verbs);
    }

    private static PolicyRule events() {
        return Rules.resourceRule(List.of("", "events.k8s.io"), List.of("events"), List.of("create", "update", "patch"));
    }
}

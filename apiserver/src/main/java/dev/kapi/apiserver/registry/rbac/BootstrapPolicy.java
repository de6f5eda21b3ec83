package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authz.rbac.Rules;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The default roles and bindings every cluster has (a subset of kube's {@code bootstrappolicy}):
 * cluster-admin, the aggregated admin/edit/view with their {@code system:aggregate-to-*} parts,
 * system:discovery, system:basic-user, system:public-info-viewer and system:monitoring, bound so that system:masters
 * may do everything, authenticated users may discover the API and review themselves, everyone (even
 * anonymous) may read /healthz, /livez, /readyz and /version, and the group system:monitoring /metrics; and the roles of the controllers kube binds to
 * their service accounts: {@code system:controller:clusterrole-aggregation-controller} (RBAC escalation
 * prevention lets it write any rules since it may {@code escalate} cluster roles) and
 * {@code system:controller:generic-garbage-collector} (every resource read, updated and deleted; events), and those of
 * the other controllers Kapi runs and of its scheduler ({@link ControllerRoles}). All carry
 * {@code rbac.authorization.kubernetes.io/autoupdate: "true"}.
 */
public final class BootstrapPolicy {

    public static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
    static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";
    static final String AGGREGATION_CONTROLLER_ROLE = "system:controller:clusterrole-aggregation-controller";
    static final String GARBAGE_COLLECTOR_ROLE = "system:controller:generic-garbage-collector";

    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");
    private static final List<String> ALL_RW = List.of("create", "delete", "deletecollection", "get", "list",
            "patch", "update", "watch");

    private BootstrapPolicy() {
    }

    public static List<ClusterRole> clusterRoles() {
        List<ClusterRole> roles = new ArrayList<>();
        roles.add(role("cluster-admin", Map.of(), null,
                Rules.resourceRule(List.of("*"), List.of("*"), List.of("*")),
                Rules.urlRule(List.of("*"), List.of("*"))));
        roles.add(role("admin", Map.of(), "admin"));
        roles.add(role("edit", Map.of(AGGREGATE_TO + "admin", "true"), "edit"));
        roles.add(role("view", Map.of(AGGREGATE_TO + "edit", "true"), "view"));
        roles.add(role("system:aggregate-to-admin", Map.of(AGGREGATE_TO + "admin", "true"), null,
                Rules.resourceRule(List.of("authorization.k8s.io"), List.of("localsubjectaccessreviews"),
                        List.of("create")),
                Rules.resourceRule(List.of("rbac.authorization.k8s.io"), List.of("rolebindings", "roles"), ALL_RW)));
        roles.add(role("system:aggregate-to-edit", Map.of(AGGREGATE_TO + "edit", "true"), null,
                Rules.resourceRule(List.of(""), List.of("pods/attach", "pods/exec", "pods/portforward", "pods/proxy",
                        "secrets", "services/proxy"), READ),
                Rules.resourceRule(List.of(""), List.of("serviceaccounts"), List.of("impersonate")),
                Rules.resourceRule(List.of(""), List.of("pods", "pods/attach", "pods/exec", "pods/portforward",
                        "pods/proxy"), WRITE),
                Rules.resourceRule(List.of(""), List.of("pods/eviction"), List.of("create")),
                Rules.resourceRule(List.of(""), List.of("configmaps", "endpoints", "events", "persistentvolumeclaims",
                        "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts",
                        "services", "services/proxy"), WRITE),
                Rules.resourceRule(List.of(""), List.of("serviceaccounts/token"), List.of("create")),
                Rules.resourceRule(List.of("apps"), List.of("daemonsets", "deployments", "deployments/rollback",
                        "deployments/scale", "replicasets", "replicasets/scale", "statefulsets",
                        "statefulsets/scale"), WRITE),
                Rules.resourceRule(List.of("autoscaling"), List.of("horizontalpodautoscalers"), WRITE),
                Rules.resourceRule(List.of("batch"), List.of("cronjobs", "jobs"), WRITE),
                Rules.resourceRule(List.of("policy"), List.of("poddisruptionbudgets"), WRITE),
                Rules.resourceRule(List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies"), WRITE),
                Rules.resourceRule(List.of("coordination.k8s.io"), List.of("leases"), WRITE)));
        roles.add(role("system:aggregate-to-view", Map.of(AGGREGATE_TO + "view", "true"), null,
                Rules.resourceRule(List.of(""), List.of("configmaps", "endpoints", "persistentvolumeclaims",
                        "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                        "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"), READ),
                Rules.resourceRule(List.of(""), List.of("bindings", "events", "limitranges", "namespaces/status",
                        "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas",
                        "resourcequotas/status"), READ),
                Rules.resourceRule(List.of(""), List.of("namespaces"), READ),
                Rules.resourceRule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
                Rules.resourceRule(List.of("apps"), List.of("controllerrevisions", "daemonsets", "daemonsets/status",
                        "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                        "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"), READ),
                Rules.resourceRule(List.of("autoscaling"), List.of("horizontalpodautoscalers",
                        "horizontalpodautoscalers/status"), READ),
                Rules.resourceRule(List.of("batch"), List.of("cronjobs", "cronjobs/status", "jobs", "jobs/status"),
                        READ),
                Rules.resourceRule(List.of("policy"), List.of("poddisruptionbudgets", "poddisruptionbudgets/status"),
                        READ),
                Rules.resourceRule(List.of("networking.k8s.io"), List.of("ingresses", "ingresses/status",
                        "networkpolicies"), READ),
                Rules.resourceRule(List.of("coordination.k8s.io"), List.of("leases"), READ)));
        roles.add(role("system:discovery", Map.of(), null, Rules.urlRule(List.of("/api", "/api/*", "/apis",
                "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"),
                List.of("get"))));
        roles.add(role("system:basic-user", Map.of(), null,
                Rules.resourceRule(List.of("authorization.k8s.io"), List.of("selfsubjectaccessreviews",
                        "selfsubjectrulesreviews"), List.of("create")),
                Rules.resourceRule(List.of("authentication.k8s.io"), List.of("selfsubjectreviews"),
                        List.of("create"))));
        roles.add(role("system:public-info-viewer", Map.of(), null, Rules.urlRule(List.of("/healthz", "/livez",
                "/readyz", "/version", "/version/"), List.of("get"))));
        // who may scrape /metrics (and read every health check): kube's role, bound to the group of the same name
        roles.add(role("system:monitoring", Map.of(), null, Rules.urlRule(List.of("/healthz", "/healthz/*", "/livez",
                "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"), List.of("get"))));
        // metrics-server's role, shipped here since metrics.k8s.io is served in process: view, edit and admin
        // may read resource metrics (kubectl top)
        roles.add(role("system:aggregated-metrics-reader", Map.of(AGGREGATE_TO + "view", "true",
                AGGREGATE_TO + "edit", "true", AGGREGATE_TO + "admin", "true"), null,
                Rules.resourceRule(List.of("metrics.k8s.io"), List.of("pods", "nodes"), READ)));
        roles.addAll(certificateRoles());
        roles.add(role(AGGREGATION_CONTROLLER_ROLE, Map.of(), null, Rules.resourceRule(List.of(RbacResources.GROUP),
                List.of("clusterroles"), List.of("escalate", "get", "list", "patch", "update", "watch"))));
        roles.add(role(GARBAGE_COLLECTOR_ROLE, Map.of(), null,
                Rules.resourceRule(List.of("*"), List.of("*"), List.of("delete", "get", "list", "patch", "update",
                        "watch")),
                Rules.resourceRule(List.of("", "events.k8s.io"), List.of("events"), List.of("create", "patch",
                        "update"))));
        ControllerRoles.rules().forEach((account, rules) -> roles.add(role(ControllerRoles.PREFIX + account, Map.of(),
                null, rules.toArray(PolicyRule[]::new))));
        roles.add(role(ControllerRoles.SCHEDULER, Map.of(), null,
                ControllerRoles.schedulerRules().toArray(PolicyRule[]::new)));
        return roles;
    }

    /**
     * kube's certificates.k8s.io roles: who may ask for a node client certificate, and who may approve a CSR
     * for each built-in signer ({@code approve} on {@code signers}, by signer name). kube binds none of them by
     * default; a cluster's installer does. This server runs no signer, so an approved request only ever gets the
     * certificate a client writes to its status.
     */
    private static List<ClusterRole> certificateRoles() {
        String group = "certificates.k8s.io";
        String prefix = "system:certificates.k8s.io:";
        List<ClusterRole> roles = new ArrayList<>();
        roles.add(role(prefix + "certificatesigningrequests:nodeclient", Map.of(), null,
                Rules.resourceRule(List.of(group), List.of("certificatesigningrequests/nodeclient"), List.of("create"))));
        roles.add(role(prefix + "certificatesigningrequests:selfnodeclient", Map.of(), null,
                Rules.resourceRule(List.of(group), List.of("certificatesigningrequests/selfnodeclient"),
                        List.of("create"))));
        for (String signer : List.of("kube-apiserver-client", "kube-apiserver-client-kubelet", "kubelet-serving",
                "legacy-unknown")) {
            roles.add(role(prefix + signer + "-approver", Map.of(), null, Rules.rule(List.of(group),
                    List.of("signers"), List.of("kubernetes.io/" + signer), List.of(), List.of("approve"))));
        }
        return roles;
    }

    public static List<ClusterRoleBinding> clusterRoleBindings() {
        List<ClusterRoleBinding> bindings = new ArrayList<>(List.of(
                binding("cluster-admin", group("system:masters")),
                binding("system:discovery", group("system:authenticated")),
                binding("system:basic-user", group("system:authenticated")),
                binding("system:public-info-viewer", group("system:authenticated"), group("system:unauthenticated")),
                binding("system:monitoring", group("system:monitoring")),
                binding(AGGREGATION_CONTROLLER_ROLE,
                        serviceAccount("kube-system", "clusterrole-aggregation-controller")),
                binding(GARBAGE_COLLECTOR_ROLE, serviceAccount("kube-system", "generic-garbage-collector"))));
        ControllerRoles.rules().keySet().forEach(account -> bindings.add(binding(ControllerRoles.PREFIX + account,
                serviceAccount("kube-system", account))));
        bindings.add(binding(ControllerRoles.SCHEDULER, user(ControllerRoles.SCHEDULER)));
        return bindings;
    }

    private static ClusterRole role(String name, Map<String, String> labels, String aggregatesFrom,
                                    PolicyRule... rules) {
        ClusterRole role = new ClusterRole();
        role.setApiVersion("rbac.authorization.k8s.io/v1");
        role.setKind("ClusterRole");
        role.setMetadata(meta(name, labels));
        role.setRules(new ArrayList<>(List.of(rules)));
        if (aggregatesFrom != null) {
            LabelSelector selector = new LabelSelector();
            selector.setMatchLabels(new HashMap<>(Map.of(AGGREGATE_TO + aggregatesFrom, "true")));
            AggregationRule rule = new AggregationRule();
            rule.setClusterRoleSelectors(new ArrayList<>(List.of(selector)));
            role.setAggregationRule(rule);
        }
        return role;
    }

    private static ClusterRoleBinding binding(String role, Subject... subjects) {
        ClusterRoleBinding b = new ClusterRoleBinding();
        b.setApiVersion("rbac.authorization.k8s.io/v1");
        b.setKind("ClusterRoleBinding");
        b.setMetadata(meta(role, Map.of()));
        RoleRef ref = new RoleRef();
        ref.setApiGroup(RbacResources.GROUP);
        ref.setKind("ClusterRole");
        ref.setName(role);
        b.setRoleRef(ref);
        b.setSubjects(new ArrayList<>(List.of(subjects)));
        return b;
    }

    static Subject serviceAccount(String namespace, String name) {
        Subject s = new Subject();
        s.setKind("ServiceAccount");
        s.setName(name);
        s.setNamespace(namespace);
        return s;
    }

    private static Subject group(String name) {
        return subject("Group", name);
    }

    static Subject user(String name) {
        return subject("User", name);
    }

    private static Subject subject(String kind, String name) {
        Subject s = new Subject();
        s.setApiGroup(RbacResources.GROUP);
        s.setKind(kind);
        s.setName(name);
        return s;
    }

    static ObjectMeta meta(String name, Map<String, String> labels) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        Map<String, String> all = new HashMap<>(labels);
        all.put("kubernetes.io/bootstrapping", "rbac-defaults");
        meta.setLabels(all);
        meta.setAnnotations(new HashMap<>(Map.of(AUTOUPDATE, "true")));
        return meta;
    }
}

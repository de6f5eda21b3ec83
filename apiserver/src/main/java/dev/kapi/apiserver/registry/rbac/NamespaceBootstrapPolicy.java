package dev.kapi.apiserver.registry.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.authz.rbac.Rules.rule;

/**
 * The Roles and RoleBindings of kube 1.32's bootstrap policy in {@code kube-system} and {@code kube-public}
 * (kube's namespace policy): reading {@code extension-apiserver-authentication} (bound to the controller manager
 * and scheduler users), their leader-election locks, and the roles of the bootstrap signer, cloud provider and
 * token cleaner controllers. Charts written for kube bind to them (e.g. an aggregated API server's RoleBinding to
 * {@code extension-apiserver-authentication-reader}). Labelled and annotated as the cluster-wide policy.
 */
final class NamespaceBootstrapPolicy {

    static final String AUTH_READER = "extension-apiserver-authentication-reader";
    private static final List<String> READ = List.of("get", "list", "watch");

    private NamespaceBootstrapPolicy() {
    }

    static List<Role> roles() {
        PolicyRule events = resourceRule(List.of("", "events.k8s.io"), List.of("events"),
                List.of("create", "patch", "update"));
        return List.of(
                role("kube-system", AUTH_READER, rule(List.of(""), List.of("configmaps"),
                        List.of("extension-apiserver-authentication"), List.of(), READ)),
                role("kube-system", "system:controller:bootstrap-signer",
                        resourceRule(List.of(""), List.of("secrets"), READ)),
                role("kube-system", "system:controller:cloud-provider",
                        resourceRule(List.of(""), List.of("configmaps"), List.of("create", "get", "list", "watch"))),
                role("kube-system", "system:controller:token-cleaner",
                        resourceRule(List.of(""), List.of("secrets"), List.of("delete", "get", "list", "watch")),
                        events),
                role("kube-system", "system::leader-locking-kube-controller-manager",
                        resourceRule(List.of(""), List.of("configmaps"), List.of("watch")),
                        rule(List.of(""), List.of("configmaps"), List.of("kube-controller-manager"), List.of(),
                                List.of("get", "update")),
                        resourceRule(List.of("coordination.k8s.io"), List.of("leases"),
                                List.of("create", "get", "list", "update", "watch"))),
                role("kube-system", "system::leader-locking-kube-scheduler",
                        resourceRule(List.of(""), List.of("configmaps"), List.of("watch")),
                        rule(List.of(""), List.of("configmaps"), List.of("kube-scheduler"), List.of(),
                                List.of("get", "update"))),
                role("kube-public", "system:controller:bootstrap-signer",
                        resourceRule(List.of(""), List.of("configmaps"), READ),
                        rule(List.of(""), List.of("configmaps"), List.of("cluster-info"), List.of(), List.of("update")),
                        events));
    }

    static List<RoleBinding> bindings() {
        return List.of(
                binding("kube-system", "system::extension-apiserver-authentication-reader", AUTH_READER,
                        BootstrapPolicy.user("system:kube-controller-manager"), BootstrapPolicy.user("system:kube-scheduler")),
                binding("kube-system", "system::leader-locking-kube-controller-manager", null,
                        BootstrapPolicy.user("system:kube-controller-manager"),
                        BootstrapPolicy.serviceAccount("kube-system", "kube-controller-manager")),
                binding("kube-system", "system::leader-locking-kube-scheduler", null, BootstrapPolicy.user("system:kube-scheduler"),
                        BootstrapPolicy.serviceAccount("kube-system", "kube-scheduler")),
                binding("kube-system", "system:controller:bootstrap-signer", null,
                        BootstrapPolicy.serviceAccount("kube-system", "bootstrap-signer")),
                binding("kube-system", "system:controller:cloud-provider", null,
                        BootstrapPolicy.serviceAccount("kube-system", "cloud-provider")),
                binding("kube-system", "system:controller:token-cleaner", null,
                        BootstrapPolicy.serviceAccount("kube-system", "token-cleaner")),
                binding("kube-public", "system:controller:bootstrap-signer", null,
                        BootstrapPolicy.serviceAccount("kube-system", "bootstrap-signer")));
    }

    private static Role role(String namespace, String name, PolicyRule... rules) {
        Role role = new Role();
        role.setApiVersion("rbac.authorization.k8s.io/v1");
        role.setKind("Role");
        role.setMetadata(BootstrapPolicy.meta(name, Map.of()));
        role.getMetadata().setNamespace(namespace);
        role.setRules(new ArrayList<>(List.of(rules)));
        return role;
    }

    /** {@code roleName} null: the Role of the binding's own name. */
    private static RoleBinding binding(String namespace, String name, String roleName, Subject... subjects) {
        RoleBinding b = new RoleBinding();
        b.setApiVersion("rbac.authorization.k8s.io/v1");
        b.setKind("RoleBinding");
        b.setMetadata(BootstrapPolicy.meta(name, Map.of()));
        b.getMetadata().setNamespace(namespace);
        RoleRef ref = new RoleRef();
        ref.setApiGroup(RbacResources.GROUP);
        ref.setKind("Role");
        ref.setName(roleName == null ? name : roleName);
        b.setRoleRef(ref);
        b.setSubjects(new ArrayList<>(List.of(subjects)));
        return b;
    }
}

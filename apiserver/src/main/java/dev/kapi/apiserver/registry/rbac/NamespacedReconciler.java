package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link BootstrapReconciler}'s rules for the namespaced bootstrap Roles and RoleBindings: created when missing;
 * otherwise, unless annotated {@code autoupdate: "false"}, given missing labels, annotations, rules and subjects
 * (what users added stays); a binding whose roleRef differs is recreated. The comparison is the cluster-wide
 * one's, on the same fields.
 */
final class NamespacedReconciler {

    /** Where the namespaced bootstrap policy lives. */
    static final java.util.List<String> NAMESPACES = java.util.List.of("kube-system", "kube-public");

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final BootstrapReconciler cluster;
    private final Map<String, Role> roles = new HashMap<>();
    private final Map<String, RoleBinding> bindings = new HashMap<>();

    /** Reads what is stored once (one list of each, as the cluster-wide reconciler does). */
    NamespacedReconciler(StoreRegistry stores, WritePipeline writes, BootstrapReconciler cluster) {
        this.stores = stores;
        this.writes = writes;
        this.cluster = cluster;
        for (String namespace : NAMESPACES) {
            RbacResources.store(stores, "roles", Role.class).list(namespace, ListParams.all()).items()
                    .forEach(r -> roles.put(key(r), r));
            RbacResources.store(stores, "rolebindings", RoleBinding.class).list(namespace, ListParams.all()).items()
                    .forEach(b -> bindings.put(key(b), b));
        }
    }

    /**
     * Creates the namespace when it is not there yet, as kube's reconciler does (at a first start the RBAC bootstrap
     * runs before the system namespaces are made).
     */
    private void ensureNamespace(String name) {
        Namespace ns = new Namespace();
        ns.setMetadata(new ObjectMeta());
        ns.getMetadata().setName(name);
        WriteScope<Namespace> scope = WriteScope.of(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(),
                null, SystemUsers.API_SERVER);
        BootstrapReconciler.createIgnoringConflict(() -> writes.create(scope, ns, OperationOptions.create()));
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    void reconcile(Role expected) {
        WriteScope<Role> scope = WriteScope.of(RbacResources.store(stores, "roles", Role.class),
                expected.getMetadata().getNamespace(), SystemUsers.API_SERVER);
        cluster.bring(scope, expected, roles.get(key(expected)), NamespacedReconciler::reconciled, null,
                () -> ensureNamespace(scope.namespace()), "role");
    }

    void reconcile(RoleBinding expected) {
        WriteScope<RoleBinding> scope = WriteScope.of(RbacResources.store(stores, "rolebindings", RoleBinding.class),
                expected.getMetadata().getNamespace(), SystemUsers.API_SERVER);
        cluster.bring(scope, expected, bindings.get(key(expected)), NamespacedReconciler::reconciled,
                RoleBinding::getRoleRef, () -> ensureNamespace(scope.namespace()), "rolebinding");
    }

    /** The role with what {@code expected} adds, compared as the cluster-wide roles are; null when nothing is missing. */
    static Role reconciled(Role existing, Role expected) {
        ClusterRole r = BootstrapReconciler.reconciledRole(asClusterRole(existing), asClusterRole(expected));
        if (r == null) {
            return null;
        }
        Role out = existing.toBuilder().build();
        out.setMetadata(r.getMetadata());
        out.setRules(r.getRules());
        return out;
    }

    static RoleBinding reconciled(RoleBinding existing, RoleBinding expected) {
        ClusterRoleBinding b = BootstrapReconciler.reconciledBinding(asClusterBinding(existing),
                asClusterBinding(expected));
        if (b == null) {
            return null;
        }
        RoleBinding out = existing.toBuilder().build();
        out.setMetadata(b.getMetadata());
        out.setRoleRef(b.getRoleRef());
        out.setSubjects(b.getSubjects());
        return out;
    }

    private static ClusterRole asClusterRole(Role role) {
        ClusterRole c = new ClusterRole();
        c.setMetadata(role.getMetadata());
        c.setRules(role.getRules());
        return c;
    }

    private static ClusterRoleBinding asClusterBinding(RoleBinding binding) {
        ClusterRoleBinding c = new ClusterRoleBinding();
        c.setMetadata(binding.getMetadata());
        c.setRoleRef(binding.getRoleRef());
        c.setSubjects(binding.getSubjects());
        return c;
    }
}

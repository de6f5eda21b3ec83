package dev.kapi.apiserver.authz.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable state of the RBAC objects: roles and role bindings by namespace and name, cluster roles
 * and cluster role bindings by name, and the bindings indexed by subject. Changes return a new snapshot
 * (copy-on-write of the maps touched), so readers never lock. Objects handed in must not be mutated later.
 */
public final class PolicySnapshot {

    private static final PolicySnapshot EMPTY = new PolicySnapshot(Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, Map<String, Role>> roles;
    private final Map<String, ClusterRole> clusterRoles;
    private final Map<String, Map<String, RoleBinding>> roleBindings;
    private final Map<String, ClusterRoleBinding> clusterRoleBindings;
    private final SubjectIndex<ClusterRoleBinding> clusterIndex;
    private final Map<String, SubjectIndex<RoleBinding>> namespaceIndex;

    private PolicySnapshot(Map<String, Map<String, Role>> roles, Map<String, ClusterRole> clusterRoles,
                           Map<String, Map<String, RoleBinding>> roleBindings,
                           Map<String, ClusterRoleBinding> clusterRoleBindings) {
        this(roles, clusterRoles, roleBindings, clusterRoleBindings, null, null);
    }

    private PolicySnapshot(Map<String, Map<String, Role>> roles, Map<String, ClusterRole> clusterRoles,
                           Map<String, Map<String, RoleBinding>> roleBindings,
                           Map<String, ClusterRoleBinding> clusterRoleBindings,
                           SubjectIndex<ClusterRoleBinding> clusterIndex,
                           Map<String, SubjectIndex<RoleBinding>> namespaceIndex) {
        this.roles = roles;
        this.clusterRoles = clusterRoles;
        this.roleBindings = roleBindings;
        this.clusterRoleBindings = clusterRoleBindings;
        this.clusterIndex = clusterIndex != null ? clusterIndex : new SubjectIndex<>(clusterRoleBindings.values(),
                ClusterRoleBinding::getSubjects, b -> b.getMetadata().getName(), "");
        if (namespaceIndex == null) {
            namespaceIndex = new HashMap<>();
            for (var e : roleBindings.entrySet()) {
                namespaceIndex.put(e.getKey(), roleBindingIndex(e.getKey(), e.getValue()));
            }
        }
        this.namespaceIndex = namespaceIndex;
    }

    private static SubjectIndex<RoleBinding> roleBindingIndex(String namespace, Map<String, RoleBinding> bindings) {
        return new SubjectIndex<>(bindings.values(), RoleBinding::getSubjects, b -> b.getMetadata().getName(),
                namespace);
    }

    public static PolicySnapshot empty() {
        return EMPTY;
    }

    /** A snapshot of exactly these objects. */
    public static PolicySnapshot of(Collection<Role> roles, Collection<ClusterRole> clusterRoles,
                                    Collection<RoleBinding> roleBindings,
                                    Collection<ClusterRoleBinding> clusterRoleBindings) {
        PolicySnapshot s = EMPTY;
        s = s.replacing(Role.class, List.copyOf(roles));
        s = s.replacing(ClusterRole.class, List.copyOf(clusterRoles));
        s = s.replacing(RoleBinding.class, List.copyOf(roleBindings));
        return s.replacing(ClusterRoleBinding.class, List.copyOf(clusterRoleBindings));
    }

    public Role role(String namespace, String name) {
        return roles.getOrDefault(namespace, Map.of()).get(name);
    }

    public ClusterRole clusterRole(String name) {
        return clusterRoles.get(name);
    }

    public ClusterRoleBinding clusterRoleBinding(String name) {
        return clusterRoleBindings.get(name);
    }

    public Collection<Role> roles(String namespace) {
        return roles.getOrDefault(namespace, Map.of()).values();
    }

    public Collection<ClusterRole> clusterRoles() {
        return clusterRoles.values();
    }

    public Collection<RoleBinding> roleBindings(String namespace) {
        return roleBindings.getOrDefault(namespace, Map.of()).values();
    }

    public Collection<ClusterRoleBinding> clusterRoleBindings() {
        return clusterRoleBindings.values();
    }

    /** The cluster role bindings that may name the user (by user, group or service account), by name. */
    public List<ClusterRoleBinding> clusterRoleBindingsFor(UserInfo user) {
        return clusterIndex.bindingsFor(user);
    }

    /** The role bindings of the namespace that may name the user, by name. */
    public List<RoleBinding> roleBindingsFor(UserInfo user, String namespace) {
        SubjectIndex<RoleBinding> index = namespaceIndex.get(namespace);
        return index == null ? List.of() : index.bindingsFor(user);
    }

    /** This snapshot with {@code obj} (a Role, ClusterRole, RoleBinding or ClusterRoleBinding) added or replaced. */
    public PolicySnapshot with(HasMetadata obj) {
        return change(obj, true);
    }

    /** This snapshot without the object of {@code obj}'s kind, namespace and name. */
    public PolicySnapshot without(HasMetadata obj) {
        return change(obj, false);
    }

    private PolicySnapshot change(HasMetadata obj, boolean put) {
        String ns = obj.getMetadata().getNamespace() == null ? "" : obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        return switch (obj) {
            case Role r -> new PolicySnapshot(changeNested(roles, ns, name, r, put), clusterRoles, roleBindings,
                    clusterRoleBindings, clusterIndex, namespaceIndex);
            case ClusterRole r -> new PolicySnapshot(roles, changeFlat(clusterRoles, name, r, put), roleBindings,
                    clusterRoleBindings, clusterIndex, namespaceIndex);
            case RoleBinding b -> {
                Map<String, Map<String, RoleBinding>> bindings = changeNested(roleBindings, ns, name, b, put);
                Map<String, SubjectIndex<RoleBinding>> index = new HashMap<>(namespaceIndex);
                Map<String, RoleBinding> inNamespace = bindings.get(ns);
                if (inNamespace == null) {
                    index.remove(ns);
                } else {
                    index.put(ns, roleBindingIndex(ns, inNamespace));
                }
                yield new PolicySnapshot(roles, clusterRoles, bindings, clusterRoleBindings, clusterIndex, index);
            }
            case ClusterRoleBinding b -> new PolicySnapshot(roles, clusterRoles, roleBindings,
                    changeFlat(clusterRoleBindings, name, b, put), null, namespaceIndex);
            default -> throw new IllegalArgumentException("not an RBAC object: " + obj.getKind());
        };
    }

    /** This snapshot with every object of {@code kind} replaced by {@code objects} (after a re-list). */
    public <T extends HasMetadata> PolicySnapshot replacing(Class<T> kind, List<T> objects) {
        PolicySnapshot s = switch (kind.getSimpleName()) {
            case "Role" -> new PolicySnapshot(Map.of(), clusterRoles, roleBindings, clusterRoleBindings,
                    clusterIndex, namespaceIndex);
            case "ClusterRole" -> new PolicySnapshot(roles, Map.of(), roleBindings, clusterRoleBindings,
                    clusterIndex, namespaceIndex);
            case "RoleBinding" -> new PolicySnapshot(roles, clusterRoles, Map.of(), clusterRoleBindings,
                    clusterIndex, Map.of());
            case "ClusterRoleBinding" -> new PolicySnapshot(roles, clusterRoles, roleBindings, Map.of(),
                    null, namespaceIndex);
            default -> throw new IllegalArgumentException("not an RBAC kind: " + kind);
        };
        return s.bulk(objects);
    }

    private PolicySnapshot bulk(List<? extends HasMetadata> objects) {
        Map<String, Map<String, Role>> r = copyNested(roles);
        Map<String, ClusterRole> cr = new HashMap<>(clusterRoles);
        Map<String, Map<String, RoleBinding>> rb = copyNested(roleBindings);
        Map<String, ClusterRoleBinding> crb = new HashMap<>(clusterRoleBindings);
        boolean bindings = false;
        boolean clusterBindings = false;
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
            String name = o.getMetadata().getName();
            switch (o) {
                case Role x -> r.computeIfAbsent(ns, k -> new HashMap<>()).put(name, x);
                case ClusterRole x -> cr.put(name, x);
                case RoleBinding x -> {
                    rb.computeIfAbsent(ns, k -> new HashMap<>()).put(name, x);
                    bindings = true;
                }
                case ClusterRoleBinding x -> {
                    crb.put(name, x);
                    clusterBindings = true;
                }
                default -> throw new IllegalArgumentException("not an RBAC object: " + o.getKind());
            }
        }
        return new PolicySnapshot(freezeNested(r), Map.copyOf(cr), freezeNested(rb), Map.copyOf(crb),
                clusterBindings ? null : clusterIndex, bindings ? null : namespaceIndex);
    }

    private static <V> Map<String, Map<String, V>> changeNested(Map<String, Map<String, V>> outer, String ns,
                                                                 String name, V value, boolean put) {
        Map<String, Map<String, V>> copy = new HashMap<>(outer);
        Map<String, V> inner = changeFlat(outer.getOrDefault(ns, Map.of()), name, value, put);
        if (inner.isEmpty()) {
            copy.remove(ns);
        } else {
            copy.put(ns, inner);
        }
        return Map.copyOf(copy);
    }

    private static <V> Map<String, V> changeFlat(Map<String, V> map, String name, V value, boolean put) {
        Map<String, V> copy = new HashMap<>(map);
        if (put) {
            copy.put(name, value);
        } else {
            copy.remove(name);
        }
        return Map.copyOf(copy);
    }

    private static <V> Map<String, Map<String, V>> copyNested(Map<String, Map<String, V>> m) {
        Map<String, Map<String, V>> copy = new HashMap<>();
        m.forEach((k, v) -> copy.put(k, new HashMap<>(v)));
        return copy;
    }

    private static <V> Map<String, Map<String, V>> freezeNested(Map<String, Map<String, V>> m) {
        Map<String, Map<String, V>> copy = new HashMap<>();
        m.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        return Map.copyOf(copy);
    }
}

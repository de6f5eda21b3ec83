package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders of RBAC objects, users and request attributes for tests. */
public final class RbacFixtures {

    private RbacFixtures() {
    }

    public static ObjectMeta meta(String namespace, String name) {
        ObjectMeta m = new ObjectMeta();
        m.setNamespace(namespace);
        m.setName(name);
        return m;
    }

    public static Role role(String namespace, String name, PolicyRule... rules) {
        Role r = new Role();
        r.setMetadata(meta(namespace, name));
        r.setRules(new ArrayList<>(List.of(rules)));
        return r;
    }

    public static ClusterRole clusterRole(String name, PolicyRule... rules) {
        ClusterRole r = new ClusterRole();
        r.setMetadata(meta(null, name));
        r.setRules(new ArrayList<>(List.of(rules)));
        return r;
    }

    public static RoleBinding roleBinding(String namespace, String name, String roleKind, String roleName,
                                          Subject... subjects) {
        RoleBinding b = new RoleBinding();
        b.setMetadata(meta(namespace, name));
        b.setRoleRef(roleRef(roleKind, roleName));
        b.setSubjects(new ArrayList<>(List.of(subjects)));
        return b;
    }

    public static ClusterRoleBinding clusterRoleBinding(String name, String roleName, Subject... subjects) {
        ClusterRoleBinding b = new ClusterRoleBinding();
        b.setMetadata(meta(null, name));
        b.setRoleRef(roleRef("ClusterRole", roleName));
        b.setSubjects(new ArrayList<>(List.of(subjects)));
        return b;
    }

    public static RoleRef roleRef(String kind, String name) {
        RoleRef ref = new RoleRef();
        ref.setApiGroup("rbac.authorization.k8s.io");
        ref.setKind(kind);
        ref.setName(name);
        return ref;
    }

    public static Subject user(String name) {
        return subject("User", name, null);
    }

    public static Subject group(String name) {
        return subject("Group", name, null);
    }

    public static Subject serviceAccount(String namespace, String name) {
        return subject("ServiceAccount", name, namespace);
    }

    private static Subject subject(String kind, String name, String namespace) {
        Subject s = new Subject();
        s.setKind(kind);
        s.setName(name);
        s.setNamespace(namespace);
        s.setApiGroup(kind.equals("ServiceAccount") ? "" : "rbac.authorization.k8s.io");
        return s;
    }

    /** An authenticated user with the given extra groups. */
    public static UserInfo person(String name, String... groups) {
        List<String> all = new ArrayList<>(List.of(groups));
        all.add("system:authenticated");
        return new UserInfo(name, "", all, Map.of());
    }

    /** A resource request; {@code resource} may be {@code pods/status}. */
    public static AuthorizationAttributes request(UserInfo user, String verb, String group, String resource,
                                                  String namespace, String name) {
        String[] parts = resource.split("/", 2);
        return new AuthorizationAttributes(user, verb, true, group, "v1", parts[0], parts.length > 1 ? parts[1] : "",
                namespace, name, "");
    }

    public static AuthorizationAttributes pathRequest(UserInfo user, String verb, String path) {
        return new AuthorizationAttributes(user, verb, false, "", "", "", "", "", "", path);
    }
}

package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.testing.RbacFixtures.roleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.serviceAccount;
import static dev.kapi.apiserver.testing.RbacFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's RBAC validation, defaults and kubectl columns, as a table of objects and the errors they get. */
class RbacStrategiesTest {

    record Case(String what, HasMetadata object, List<String> errors) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static <T> T parse(String json, Class<T> type) {
        return Json.MAPPER.readValue(json, type);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("valid role", parse("""
                        {"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""", Role.class), List.of()),
                new Case("rule without verbs", parse("""
                        {"rules":[{"apiGroups":[""],"resources":["pods"]}]}""", Role.class),
                        List.of("rules[0].verbs: Required value: verbs must contain at least one value")),
                new Case("resource rule without groups and resources", parse("""
                        {"rules":[{"verbs":["get"]}]}""", Role.class),
                        List.of("rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                                "rules[0].resources: Required value: resource rules must supply at least one resource")),
                new Case("URL rule in a Role", parse("""
                        {"rules":[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""", Role.class),
                        List.of("rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: "
                                + "namespaced rules cannot apply to non-resource URLs")),
                new Case("URL rule in a ClusterRole", parse("""
                        {"rules":[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""", ClusterRole.class), List.of()),
                new Case("URL rule with resources", parse("""
                        {"rules":[{"nonResourceURLs":["/x"],"resources":["pods"],"verbs":["get"]}]}""", ClusterRole.class),
                        List.of("rules[0].nonResourceURLs: Invalid value: []string{\"/x\"}: "
                                + "rules cannot apply to both regular resources and non-resource URLs")),
                new Case("empty aggregation rule", parse("""
                        {"aggregationRule":{}}""", ClusterRole.class),
                        List.of("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector "
                                + "required if aggregationRule is non-nil")),
                new Case("binding with bad role ref and subjects", parse("""
                        {"roleRef":{"apiGroup":"x","kind":"Thing","name":""},
                         "subjects":[{"kind":"Robot","name":"r"},{"kind":"User","name":"","apiGroup":"rbac.authorization.k8s.io"}]}""",
                        RoleBinding.class),
                        List.of("roleRef.apiGroup: Unsupported value: \"x\": supported values: \"rbac.authorization.k8s.io\"",
                                "roleRef.kind: Unsupported value: \"Thing\": supported values: \"Role\", \"ClusterRole\"",
                                "roleRef.name: Required value",
                                "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
                                "subjects[1].name: Required value")),
                new Case("cluster binding to a Role, service account without namespace", parse("""
                        {"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},
                         "subjects":[{"kind":"ServiceAccount","name":"sa"}]}""", ClusterRoleBinding.class),
                        List.of("roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
                                "subjects[0].namespace: Required value")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void validates(Case c) {
        List<FieldError> errs = switch (c.object()) {
            case Role r -> new RoleStrategy().validate(r);
            case ClusterRole r -> new ClusterRoleStrategy().validate(r);
            case RoleBinding b -> {
                new RoleBindingStrategy().applyDefaults(b);
                yield new RoleBindingStrategy().validate(b);
            }
            case ClusterRoleBinding b -> {
                new ClusterRoleBindingStrategy().applyDefaults(b);
                yield new ClusterRoleBindingStrategy().validate(b);
            }
            default -> throw new IllegalArgumentException();
        };
        assertThat(errs).extracting(FieldError::toString)
                .containsExactlyElementsOf(c.errors());
    }

    @Test
    void defaultsApiGroupsAndKeepsRoleRef() {
        RoleBinding b = parse("""
                {"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"a"},
                 {"kind":"ServiceAccount","name":"s"}]}""", RoleBinding.class);
        new RoleBindingStrategy().applyDefaults(b);
        assertThat(b.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(b.getSubjects().get(0).getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(b.getSubjects().get(1).getApiGroup()).isNull();
        assertThat(new RoleBindingStrategy().validate(b)).isEmpty();

        RoleBinding changed = roleBinding("ns", "b", "ClusterRole", "edit", user("a"));
        assertThat(new RoleBindingStrategy().validateUpdate(changed, b)).extracting(FieldError::toString)
                .containsExactly("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
                        + "Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef");
        assertThat(new RoleStrategy().validateName("a:b")).isEmpty();
        assertThat(new RoleStrategy().validateName("a/b")).containsExactly("may not contain '/'");
    }

    @Test
    void showsKubectlColumns() {
        RoleBinding b = roleBinding("ns", "b", "ClusterRole", "view", user("alice"), user("bob"),
                serviceAccount("kube-system", "robot"));
        var columns = new RoleBindingStrategy().tableColumns();
        assertThat(columns).extracting(c -> c.name() + "/" + c.priority())
                .containsExactly("Name/0", "Role/0", "Age/0", "Users/1", "Groups/1", "ServiceAccounts/1");
        assertThat(columns).extracting(c -> c.cell().apply(b)).containsExactly("b", "ClusterRole/view", "<unknown>",
                "alice, bob", "", "kube-system/robot");
        Role r = parse("""
                {"metadata":{"name":"r","creationTimestamp":"2024-05-01T10:00:00Z"}}""", Role.class);
        assertThat(new RoleStrategy().tableColumns()).extracting(c -> c.name() + "=" + c.cell().apply(r))
                .containsExactly("Name=r", "Created At=2024-05-01T10:00:00Z");
    }
}

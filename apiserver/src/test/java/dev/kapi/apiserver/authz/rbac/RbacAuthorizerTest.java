package dev.kapi.apiserver.authz.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.authz.RuleResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.authz.rbac.Rules.rule;
import static dev.kapi.apiserver.authz.rbac.Rules.urlRule;
import static dev.kapi.apiserver.testing.RbacFixtures.clusterRole;
import static dev.kapi.apiserver.testing.RbacFixtures.clusterRoleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.group;
import static dev.kapi.apiserver.testing.RbacFixtures.pathRequest;
import static dev.kapi.apiserver.testing.RbacFixtures.person;
import static dev.kapi.apiserver.testing.RbacFixtures.request;
import static dev.kapi.apiserver.testing.RbacFixtures.role;
import static dev.kapi.apiserver.testing.RbacFixtures.roleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.serviceAccount;
import static dev.kapi.apiserver.testing.RbacFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's RBAC rule matching and binding scoping on one policy: each user holds one kind of rule, each case
 * is a request and whether RBAC allows it.
 */
class RbacAuthorizerTest {

    static final PolicySnapshot POLICY = PolicySnapshot.of(
            List.of(
                    role("dev", "pod-reader", resourceRule(List.of(""), List.of("pods"), List.of("get", "list"))),
                    role("dev", "status-writer", resourceRule(List.of(""), List.of("pods/status"), List.of("update"))),
                    role("dev", "named", rule(List.of(""), List.of("configmaps"), List.of("app-config"), List.of(),
                            List.of("get", "update", "list", "create", "deletecollection")))),
            List.of(
                    clusterRole("all-verbs-deployments", resourceRule(List.of("apps"), List.of("deployments"),
                            List.of("*"))),
                    clusterRole("any-group-widgets", resourceRule(List.of("*"), List.of("widgets"), List.of("get"))),
                    clusterRole("star", resourceRule(List.of("*"), List.of("*"), List.of("*")),
                            urlRule(List.of("*"), List.of("*"))),
                    clusterRole("any-scale", resourceRule(List.of("apps"), List.of("*/scale"), List.of("get"))),
                    clusterRole("pods-star", resourceRule(List.of(""), List.of("pods/*"), List.of("get"))),
                    clusterRole("urls", urlRule(List.of("/healthz", "/logs/*", "/exact"), List.of("get"))),
                    clusterRole("secret-reader", resourceRule(List.of(""), List.of("secrets"), List.of("get")))),
            List.of(
                    roleBinding("dev", "alice-pods", "Role", "pod-reader", user("alice")),
                    roleBinding("dev", "alice-status", "Role", "status-writer", user("alice")),
                    roleBinding("dev", "alice-named", "Role", "named", user("alice")),
                    roleBinding("dev", "devs-secrets", "ClusterRole", "secret-reader", group("devs")),
                    roleBinding("dev", "sa-local", "ClusterRole", "all-verbs-deployments", serviceAccount(null, "ci")),
                    roleBinding("dev", "missing", "Role", "does-not-exist", user("dora"))),
            List.of(
                    clusterRoleBinding("bob-deployments", "all-verbs-deployments", user("bob")),
                    clusterRoleBinding("bob-widgets", "any-group-widgets", user("bob")),
                    clusterRoleBinding("bob-scale", "any-scale", user("bob")),
                    clusterRoleBinding("carol-star", "star", group("admins")),
                    clusterRoleBinding("erin-pods-star", "pods-star", user("erin")),
                    clusterRoleBinding("erin-urls", "urls", user("erin")),
                    clusterRoleBinding("sa-secrets", "secret-reader", serviceAccount("ops", "robot"))));

    static final UserInfo ALICE = person("alice");
    static final UserInfo BOB = person("bob");
    static final UserInfo CAROL = person("carol", "admins");
    static final UserInfo DAVE = person("dave", "devs");
    static final UserInfo ERIN = person("erin");
    static final UserInfo CI = person("system:serviceaccount:dev:ci", "system:serviceaccounts");
    static final UserInfo ROBOT = person("system:serviceaccount:ops:robot");
    static final UserInfo NOBODY = person("nobody");

    record Case(String what, AuthorizationAttributes request, boolean allowed) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // verbs
                new Case("role grants listed verb", request(ALICE, "get", "", "pods", "dev", "p"), true),
                new Case("role lacks verb", request(ALICE, "delete", "", "pods", "dev", "p"), false),
                new Case("verb * grants any verb", request(BOB, "deletecollection", "apps", "deployments", "x", ""), true),
                // groups
                new Case("wrong api group", request(ALICE, "get", "apps", "pods", "dev", "p"), false),
                new Case("group * matches any group", request(BOB, "get", "example.com", "widgets", "", "w"), true),
                new Case("group * still needs the resource", request(BOB, "get", "example.com", "gadgets", "", "w"), false),
                // resources and subresources
                new Case("resource rule does not grant subresource", request(ALICE, "get", "", "pods/log", "dev", "p"), false),
                new Case("exact subresource", request(ALICE, "update", "", "pods/status", "dev", "p"), true),
                new Case("subresource rule does not grant resource", request(ALICE, "update", "", "pods", "dev", "p"), false),
                new Case("*/scale matches any scale", request(BOB, "get", "apps", "statefulsets/scale", "x", "s"), true),
                new Case("*/scale not the resource", request(BOB, "get", "apps", "statefulsets", "x", "s"), false),
                new Case("pods/* is no wildcard in kube", request(ERIN, "get", "", "pods/status", "x", "p"), false),
                new Case("resource * matches subresources", request(CAROL, "get", "", "pods/exec", "x", "p"), true),
                // resourceNames
                new Case("resourceName match", request(ALICE, "get", "", "configmaps", "dev", "app-config"), true),
                new Case("resourceName mismatch", request(ALICE, "get", "", "configmaps", "dev", "other"), false),
                new Case("resourceNames never grant list", request(ALICE, "list", "", "configmaps", "dev", ""), false),
                new Case("resourceNames never grant create", request(ALICE, "create", "", "configmaps", "dev", ""), false),
                new Case("resourceNames never grant deletecollection",
                        request(ALICE, "deletecollection", "", "configmaps", "dev", ""), false),
                // non-resource URLs
                new Case("exact URL", pathRequest(ERIN, "get", "/healthz"), true),
                new Case("URL needs exact match", pathRequest(ERIN, "get", "/healthz/ping"), false),
                new Case("URL prefix with *", pathRequest(ERIN, "get", "/logs/kube.log"), true),
                new Case("URL verb mismatch", pathRequest(ERIN, "post", "/exact"), false),
                new Case("URL * matches any path", pathRequest(CAROL, "get", "/metrics"), true),
                new Case("resource rules never grant URLs", pathRequest(BOB, "get", "/healthz"), false),
                // namespace scoping
                new Case("role binding grants in its namespace", request(ALICE, "list", "", "pods", "dev", ""), true),
                new Case("role binding not in another namespace", request(ALICE, "list", "", "pods", "prod", ""), false),
                new Case("role binding not cluster-wide", request(ALICE, "list", "", "pods", "", ""), false),
                new Case("cluster role binding everywhere", request(BOB, "list", "apps", "deployments", "", ""), true),
                new Case("cluster role binding in a namespace", request(BOB, "get", "apps", "deployments", "prod", "d"), true),
                // groups and service accounts
                new Case("group subject via membership", request(DAVE, "get", "", "secrets", "dev", "s"), true),
                new Case("role binding of a ClusterRole stays in namespace",
                        request(DAVE, "get", "", "secrets", "prod", "s"), false),
                new Case("non-member of group", request(NOBODY, "get", "", "secrets", "dev", "s"), false),
                new Case("service account without namespace = binding's namespace",
                        request(CI, "create", "apps", "deployments", "dev", ""), true),
                new Case("service account only in its binding namespace",
                        request(CI, "create", "apps", "deployments", "prod", ""), false),
                new Case("service account in cluster binding", request(ROBOT, "get", "", "secrets", "any", "s"), true),
                new Case("same name in another namespace is another account",
                        request(person("system:serviceaccount:dev:robot"), "get", "", "secrets", "any", "s"), false),
                new Case("user name does not match groups", request(person("admins"), "get", "", "pods", "x", "p"), false),
                new Case("group name does not match users", request(person("x", "bob"), "get", "apps", "deployments", "x", "d"),
                        false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Case c) {
        Decision d = new RbacAuthorizer(() -> POLICY).authorize(c.request());
        assertThat(d.allowed()).as(c.what()).isEqualTo(c.allowed());
        assertThat(d.kind()).isIn(Decision.Kind.ALLOW, Decision.Kind.NO_OPINION);
    }

    @Test
    void reasonsNameTheGrantingBindingOrTheMissingRole() {
        RbacAuthorizer rbac = new RbacAuthorizer(() -> POLICY);
        assertThat(rbac.authorize(request(ALICE, "get", "", "pods", "dev", "p")).reason()).isEqualTo(
                "RBAC: allowed by RoleBinding \"alice-pods/dev\" of Role \"pod-reader\" to User \"alice\"");
        assertThat(rbac.authorize(request(ROBOT, "get", "", "secrets", "x", "s")).reason()).isEqualTo(
                "RBAC: allowed by ClusterRoleBinding \"sa-secrets\" of ClusterRole \"secret-reader\" to "
                        + "ServiceAccount \"robot/ops\"");
        Decision missing = rbac.authorize(request(person("dora"), "get", "", "pods", "dev", "p"));
        assertThat(missing.kind()).isEqualTo(Decision.Kind.NO_OPINION);
        assertThat(missing.reason()).isEqualTo("RBAC: role.rbac.authorization.k8s.io \"does-not-exist\" not found");
        assertThat(rbac.authorize(request(null, "get", "", "pods", "dev", "p")).allowed()).isFalse();
    }

    @Test
    void resolvesRulesPerNamespace() {
        RbacAuthorizer rbac = new RbacAuthorizer(() -> POLICY);
        RuleResolver.Rules cluster = rbac.rulesFor(DAVE, "");
        assertThat(cluster.rules()).isEmpty();
        RuleResolver.Rules dev = rbac.rulesFor(DAVE, "dev");
        assertThat(dev.rules()).extracting(Rules::resources).containsExactly(List.of("secrets"));
        RuleResolver.Rules dora = rbac.rulesFor(person("dora"), "dev");
        assertThat(dora.incomplete()).isTrue();
        assertThat(dora.evaluationError()).contains("does-not-exist");
    }

    @Test
    void snapshotChangesAreCopies() {
        PolicySnapshot before = POLICY;
        PolicySnapshot after = before.without(before.roleBindings("dev").stream()
                .filter(b -> b.getMetadata().getName().equals("alice-pods")).findFirst().orElseThrow());
        assertThat(new RbacAuthorizer(() -> before).authorize(request(ALICE, "get", "", "pods", "dev", "p")).allowed())
                .isTrue();
        assertThat(new RbacAuthorizer(() -> after).authorize(request(ALICE, "get", "", "pods", "dev", "p")).allowed())
                .isFalse();
        assertThat(after.with(clusterRoleBinding("alice-all", "star", user("alice"))).clusterRoleBindingsFor(ALICE))
                .hasSize(1);
    }
}

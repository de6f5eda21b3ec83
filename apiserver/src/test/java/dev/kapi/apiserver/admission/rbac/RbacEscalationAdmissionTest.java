package dev.kapi.apiserver.admission.rbac;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.rbac.PolicySnapshot;
import dev.kapi.apiserver.authz.rbac.RbacAuthorizer;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.authz.rbac.Rules.rule;
import static dev.kapi.apiserver.testing.RbacFixtures.clusterRole;
import static dev.kapi.apiserver.testing.RbacFixtures.clusterRoleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.person;
import static dev.kapi.apiserver.testing.RbacFixtures.role;
import static dev.kapi.apiserver.testing.RbacFixtures.roleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Escalation prevention: writing roles needs their rules or {@code escalate}; writing bindings needs the
 * bound role's rules or {@code bind}. Alice holds only {@code get configmaps} in {@code dev}; Eve also
 * may escalate roles in {@code dev}; Bill may bind the ClusterRole {@code secret-reader} in {@code dev}.
 */
class RbacEscalationAdmissionTest {

    static final String RBAC = "rbac.authorization.k8s.io";
    static final PolicySnapshot POLICY = PolicySnapshot.of(
            List.of(
                    role("dev", "cm-getter", resourceRule(List.of(""), List.of("configmaps"), List.of("get"))),
                    role("dev", "escalator", resourceRule(List.of(RBAC), List.of("roles"), List.of("escalate"))),
                    role("dev", "binder", rule(List.of(RBAC), List.of("clusterroles"), List.of("secret-reader"),
                            List.of(), List.of("bind"))),
                    role("dev", "named-escalator", rule(List.of(RBAC), List.of("roles"), List.of("r"),
                            List.of(), List.of("escalate")))),
            List.of(
                    clusterRole("secret-reader", resourceRule(List.of(""), List.of("secrets"), List.of("get"))),
                    clusterRole("cm-reader", resourceRule(List.of(""), List.of("configmaps"), List.of("get")))),
            List.of(
                    roleBinding("dev", "alice", "Role", "cm-getter", user("alice"), user("eve"), user("bill")),
                    roleBinding("dev", "eve", "Role", "escalator", user("eve")),
                    roleBinding("dev", "bill", "Role", "binder", user("bill")),
                    roleBinding("dev", "nina", "Role", "named-escalator", user("nina"))),
            List.of());

    static final UserInfo ALICE = person("alice");
    static final UserInfo EVE = person("eve");
    static final UserInfo BILL = person("bill");
    static final UserInfo NINA = person("nina");
    static final UserInfo ROOT = new UserInfo("root", "", List.of("system:masters"), Map.of());

    private final RbacAuthorizer rbac = new RbacAuthorizer(() -> POLICY);
    private final RbacEscalationAdmission admission = new RbacEscalationAdmission(rbac, rbac, () -> rbac);

    record Case(String what, UserInfo user, String resource, String namespace, HasMetadata object,
                String forbidden) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        var getSecrets = resourceRule(List.of(""), List.of("secrets"), List.of("get"));
        var getConfigMaps = resourceRule(List.of(""), List.of("configmaps"), List.of("get"));
        return Stream.of(
                new Case("role granting held rule", ALICE, "roles", "dev", role("dev", "r", getConfigMaps), null),
                new Case("role granting more than held", ALICE, "roles", "dev", role("dev", "r", getSecrets),
                        "roles.rbac.authorization.k8s.io \"r\" is forbidden: user \"alice\" "
                                + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not "
                                + "currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}"),
                new Case("held rules are namespaced", ALICE, "roles", "prod", role("prod", "r", getConfigMaps),
                        "not currently held"),
                new Case("cluster role needs cluster-wide rules", ALICE, "clusterroles", "",
                        clusterRole("c", getConfigMaps), "clusterroles.rbac.authorization.k8s.io \"c\" is forbidden"),
                new Case("escalate allows any rules", EVE, "roles", "dev", role("dev", "r", getSecrets), null),
                new Case("escalate is per namespace", EVE, "roles", "prod", role("prod", "r", getSecrets),
                        "not currently held"),
                new Case("system:masters may do anything", ROOT, "clusterroles", "", clusterRole("c", getSecrets), null),
                new Case("binding a role whose rules are held", ALICE, "rolebindings", "dev",
                        roleBinding("dev", "b", "ClusterRole", "cm-reader", user("zed")), null),
                new Case("binding a role with more rules", ALICE, "rolebindings", "dev",
                        roleBinding("dev", "b", "ClusterRole", "secret-reader", user("zed")),
                        "rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: user \"alice\" "
                                + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not "
                                + "currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}"),
                new Case("bind permission allows binding", BILL, "rolebindings", "dev",
                        roleBinding("dev", "b", "ClusterRole", "secret-reader", user("zed")), null),
                new Case("bind is for the named role only", BILL, "rolebindings", "dev",
                        roleBinding("dev", "b", "Role", "escalator", user("zed")), "not currently held"),
                new Case("cluster role binding needs cluster-wide rules", BILL, "clusterrolebindings", "",
                        clusterRoleBinding("b", "cm-reader", user("zed")), "not currently held"),
                new Case("binding a missing role", ALICE, "rolebindings", "dev",
                        roleBinding("dev", "b", "Role", "nope", user("zed")),
                        "rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: role.rbac.authorization.k8s.io "
                                + "\"nope\" not found"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void checks(Case c) {
        AdmissionAttributes a = Attributes.of(Operation.CREATE, RBAC, "v1", c.resource(), "",
                c.object().getKind(), c.namespace(), c.object().getMetadata().getName(), c.object(), null, c.user(),
                false);
        if (c.forbidden() == null) {
            admission.validate(a);
            return;
        }
        assertThatThrownBy(() -> admission.validate(a)).isInstanceOf(StatusError.class)
                .satisfies(e -> assertThat(((StatusError) e).code()).isEqualTo(403))
                .hasMessageContaining(c.forbidden());
    }

    /** As kube, escalate is authorized for the request's name: a create has none, so resourceNames never match. */
    @Test
    void escalateLimitedByNameAppliesToUpdatesOnly() {
        var getSecrets = resourceRule(List.of(""), List.of("secrets"), List.of("get"));
        Role r = role("dev", "r", getSecrets);
        AdmissionAttributes create = Attributes.of(Operation.CREATE, RBAC, "v1", "roles", "", "Role", "dev", "r", r,
                null, NINA, false);
        assertThatThrownBy(() -> admission.validate(create)).isInstanceOf(StatusError.class)
                .hasMessageContaining("not currently held");
        AdmissionAttributes update = Attributes.of(Operation.UPDATE, RBAC, "v1", "roles", "", "Role", "dev", "r", r,
                role("dev", "r"), NINA, false);
        admission.validate(update);
    }

    @Test
    void aggregationRuleNeedsFullAuthority() {
        ClusterRole aggregated = clusterRole("agg");
        AggregationRule rule = new AggregationRule();
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("a", "b"));
        rule.setClusterRoleSelectors(List.of(selector));
        aggregated.setAggregationRule(rule);
        UserInfo escalator = new UserInfo("e", "", List.of(), Map.of());
        RbacEscalationAdmission allowAll = new RbacEscalationAdmission(rbac, rbac,
                () -> at -> at.verb().equals("escalate") ? dev.kapi.apiserver.authz.Decision.allow("")
                        : dev.kapi.apiserver.authz.Decision.noOpinion(""));
        AdmissionAttributes a = Attributes.of(Operation.CREATE, RBAC, "v1", "clusterroles", "",
                "ClusterRole", "", "agg", aggregated, null, escalator, false);
        allowAll.validate(a);
        assertThatThrownBy(() -> admission.validate(a)).isInstanceOf(StatusError.class)
                .hasMessage("clusterroles.rbac.authorization.k8s.io \"agg\" is forbidden: "
                        + "must have cluster-admin privileges to use the aggregationRule");
    }

    @Test
    void ignoresOtherResourcesAndGarbageCollectionOnlyUpdates() {
        HasMetadata secretRole = role("dev", "r", resourceRule(List.of(""), List.of("secrets"), List.of("get")));
        admission.validate(Attributes.of(Operation.CREATE, "", "v1", "configmaps", "", "ConfigMap", "dev",
                "r", secretRole, null, ALICE, false));
        HasMetadata withFinalizer = role("dev", "r", resourceRule(List.of(""), List.of("secrets"), List.of("get")));
        withFinalizer.getMetadata().setFinalizers(List.of("example.com/keep"));
        admission.validate(Attributes.of(Operation.UPDATE, RBAC, "v1", "roles", "", "Role", "dev", "r",
                withFinalizer, secretRole, ALICE, false));
        admission.validate(Attributes.of(Operation.DELETE, RBAC, "v1", "roles", "", "Role", "dev", "r",
                null, secretRole, ALICE, false));
    }
}

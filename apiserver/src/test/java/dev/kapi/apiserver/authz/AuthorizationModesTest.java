package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizationModesTest {

    static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());
    static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"), Map.of());
    static final Authorizer RBAC_ALLOWS_ALICE = a -> a.user().name().equals("alice")
            ? Decision.allow("") : Decision.noOpinion("RBAC: nothing for " + a.user().name());

    static AuthorizationAttributes get(UserInfo user) {
        return new AuthorizationAttributes(user, "get", false, "", "", "", "", "", "", "/healthz");
    }

    static Stream<Arguments> decisions() {
        UserInfo bob = new UserInfo("bob", "", List.of(), Map.of());
        return Stream.of(
                Arguments.of(List.of("AlwaysAllow"), bob, Decision.allow("")),
                Arguments.of(List.of("AlwaysDeny"), bob, Decision.noOpinion("Everything is forbidden.")),
                Arguments.of(List.of("AlwaysDeny"), ADMIN, Decision.allow("")),
                Arguments.of(List.of("RBAC"), ALICE, Decision.allow("")),
                Arguments.of(List.of("RBAC"), bob, Decision.noOpinion("RBAC: nothing for bob")),
                Arguments.of(List.of("RBAC", "AlwaysDeny"), bob,
                        Decision.noOpinion("RBAC: nothing for bob\nEverything is forbidden.")), // kube joins by lines
                Arguments.of(List.of("AlwaysDeny", "AlwaysAllow"), bob, Decision.allow("")));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void chainsModesBehindSystemMasters(List<String> modes, UserInfo user, Decision expected) {
        assertThat(AuthorizationModes.chain(modes, () -> RBAC_ALLOWS_ALICE).authorize(get(user))).isEqualTo(expected);
    }

    static Stream<Arguments> badModes() {
        return Stream.of(
                Arguments.of(List.of(), "at least one --authorization-mode"),
                Arguments.of(List.of("Node"), "--authorization-mode Node is not supported by Kapi"),
                Arguments.of(List.of("rbac"), "authorization-mode \"rbac\" is not a valid mode"),
                Arguments.of(List.of("AlwaysAllow", "AlwaysAllow"), "specified more than once"),
                Arguments.of(List.of("RBAC"), "no bean named \"rbacAuthorizer\""),
                Arguments.of(List.of("Webhook", "RBAC"), "authorization-mode Webhook's authorization config file not passed"));
    }

    /** AlwaysAllow first allows everyone, and the rules of the modes after it still show (kube's union). */
    @org.junit.jupiter.api.Test
    void alwaysAllowFirstAllowsEveryoneAndKeepsTheOtherModesRules() {
        Authorizer chain = AuthorizationModes.chain(List.of("AlwaysAllow", "RBAC"), () -> RBAC_ALLOWS_ALICE);
        assertThat(chain.authorize(get(new UserInfo("bob", "", List.of(), Map.of()))).allowed()).isTrue();
        RuleResolver rbacRules = (user, ns) -> new RuleResolver.Rules(List.of(new io.fabric8.kubernetes.api.model.rbac
                .PolicyRuleBuilder().withVerbs("get").withApiGroups("").withResources("pods").build()), false, null);
        assertThat(new ChainRules(chain, RBAC_ALLOWS_ALICE, rbacRules).rulesFor(ALICE, "default").rules())
                .hasSize(3).startsWith(ChainRules.EVERYTHING.toArray(new io.fabric8.kubernetes.api.model.rbac.PolicyRule[0]));
    }

    @ParameterizedTest
    @MethodSource("badModes")
    void rejectsBadModes(List<String> modes, String message) {
        assertThatThrownBy(() -> AuthorizationModes.chain(modes, () -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    /** Each mode's allow and deny is counted under kube's names; system:masters and no opinion are not. */
    @org.junit.jupiter.api.Test
    void decisionsAreReportedByModeAsKubeNamesThem() {
        List<String> reported = new java.util.ArrayList<>();
        AuthorizationMetrics metrics = new AuthorizationMetrics() {
            @Override
            public void decided(String type, String name, boolean allowed) {
                reported.add(type + "/" + name + "/" + allowed);
            }
        };
        Authorizer chain = AuthorizationModes.chain(List.of("RBAC", "AlwaysDeny"), () -> RBAC_ALLOWS_ALICE,
                () -> null, metrics);
        chain.authorize(get(ALICE));
        chain.authorize(get(new UserInfo("bob", "", List.of(), Map.of())));
        chain.authorize(get(ADMIN));
        assertThat(reported).as("AlwaysDeny has no opinion, as kube's").containsExactly("RBAC/rbac/true");
        AuthorizationModes.chain(List.of("Webhook"), () -> null, () -> a -> Decision.deny("no"), metrics)
                .authorize(get(ALICE));
        assertThat(reported).as("kube names mode Webhook's authorizer \"default\"").endsWith("Webhook/default/false");
    }
}

package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.webhook.WebhookTarget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SelfSubjectRulesReview's rules follow the chain in use, as kube's union of rule resolvers. */
class ChainRulesTest {

    static final UserInfo ANN = new UserInfo("ann", "", List.of("system:authenticated"), Map.of());
    static final PolicyRule GET_PODS = new PolicyRuleBuilder().withVerbs("get").withApiGroups("")
            .withResources("pods").build();
    static final Authorizer RBAC = a -> Decision.noOpinion("");
    static final RuleResolver RBAC_RULES = (user, ns) -> new RuleResolver.Rules(List.of(GET_PODS), false, null);

    static WebhookAuthorizer webhook() {
        return new WebhookAuthorizer(new WebhookTarget(URI.create("https://127.0.0.1:1/authz"),
                HttpClient.newHttpClient(), Map::of), "v1", new WebhookAuthorizer.CacheTtls(Duration.ZERO,
                Duration.ZERO), Duration.ofMillis(1));
    }

    static RuleResolver.Rules rules(Authorizer chain, RuleResolver rbacRules) {
        return new ChainRules(chain, RBAC, rbacRules).rulesFor(ANN, "default");
    }

    @Test
    void eachAuthorizerInTheChainAddsItsRules() {
        assertThat(rules(new AuthorizerChain(List.of(new PrivilegedGroupAuthorizer(), RBAC)), RBAC_RULES))
                .isEqualTo(new RuleResolver.Rules(List.of(GET_PODS), false, null));
        try (WebhookAuthorizer webhook = webhook()) {
            assertThat(rules(new AuthorizerChain(List.of(RBAC, webhook)), RBAC_RULES)).isEqualTo(
                    new RuleResolver.Rules(List.of(GET_PODS), true, WebhookAuthorizer.NO_RULES));
            assertThat(rules(new AuthorizerChain(List.of(webhook)), RBAC_RULES)).as("RBAC not in the chain")
                    .isEqualTo(new RuleResolver.Rules(List.of(), true, WebhookAuthorizer.NO_RULES));
            RuleResolver broken = (user, ns) -> new RuleResolver.Rules(List.of(), true, "role \"x\" not found");
            assertThat(rules(new ReloadableAuthorizer(new AuthorizerChain(List.of(RBAC, webhook))), broken)
                    .evaluationError()).isEqualTo("[role \"x\" not found, " + WebhookAuthorizer.NO_RULES + "]");
        }
        assertThat(rules(new AlwaysAllowAuthorizer(), RBAC_RULES)).isEqualTo(
                new RuleResolver.Rules(ChainRules.EVERYTHING, false, null));
        assertThat(rules(new AuthorizerChain(List.of(new AlwaysDenyAuthorizer())), RBAC_RULES))
                .isEqualTo(new RuleResolver.Rules(List.of(), false, null));
    }
}

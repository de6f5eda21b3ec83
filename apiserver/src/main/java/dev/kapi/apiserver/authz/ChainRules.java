package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.GoAggregate;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of the authorizer chain in use (kube's union of rule resolvers, what SelfSubjectRulesReview answers):
 * each authorizer's in order, joined: RBAC's rules, AlwaysAllow's everything, AlwaysDeny's nothing, and a webhook's
 * none with {@code incomplete} and {@value WebhookAuthorizer#NO_RULES}. Incomplete when any part is; evaluation
 * errors joined as kube aggregates them ({@code [e1, e2]}). Asked anew each time, so a reloaded chain is followed.
 */
public final class ChainRules implements RuleResolver {

    static final List<PolicyRule> EVERYTHING = List.of(
            new PolicyRuleBuilder().withVerbs("*").withApiGroups("*").withResources("*").build(),
            new PolicyRuleBuilder().withVerbs("*").withNonResourceURLs("*").build());

    private final Authorizer chain;
    private final Authorizer rbac;
    private final RuleResolver rbacRules;

    /**
     * @param chain     the server's authorizer
     * @param rbac      the RBAC authorizer as it appears in the chain (null: none)
     * @param rbacRules its rules
     */
    public ChainRules(Authorizer chain, Authorizer rbac, RuleResolver rbacRules) {
        this.chain = chain;
        this.rbac = rbac;
        this.rbacRules = rbacRules;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean incomplete = false;
        for (Authorizer a : members(chain)) {
            if (a == rbac && rbacRules != null) {
                Rules r = rbacRules.rulesFor(user, namespace);
                rules.addAll(r.rules());
                incomplete |= r.incomplete();
                if (r.evaluationError() != null && !r.evaluationError().isEmpty()) {
                    errors.add(r.evaluationError());
                }
            } else if (a instanceof AlwaysAllowAuthorizer) {
                rules.addAll(EVERYTHING);
            } else if (a instanceof WebhookAuthorizer) {
                incomplete = true;
                errors.add(WebhookAuthorizer.NO_RULES);
            }
        }
        String error = GoAggregate.of(errors);
        return new Rules(rules, incomplete, error);
    }

    /** The authorizers {@code a} asks, in order: itself, or a chain's (reloadable or not), flattened. */
    static List<Authorizer> members(Authorizer a) {
        return switch (a) {
            case ReloadableAuthorizer r -> members(r.current());
            case AuthorizerChain c -> c.authorizers().stream().flatMap(m -> members(m).stream()).toList();
            default -> List.of(a);
        };
    }
}

package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.AlwaysAllowAuthorizer;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews}: the rules that let the requesting
 * user act in {@code spec.namespace} ({@code kubectl auth can-i --list}), from the {@link RuleResolver}.
 * Without one, AlwaysAllow answers as kube's does (everything, complete) and any other authorizer with no
 * rules and {@code incomplete: true}.
 */
final class SelfSubjectRulesReviewHandler extends ReviewHandler {

    private static final RuleResolver.Rules ALLOW_ALL = new RuleResolver.Rules(List.of(
            new PolicyRuleBuilder().withVerbs("*").withApiGroups("*").withResources("*").build(),
            new PolicyRuleBuilder().withVerbs("*").withNonResourceURLs("*").build()), false, null);
    private static final RuleResolver.Rules UNKNOWN = new RuleResolver.Rules(List.of(), true, null);

    private final Authorizer authorizer;
    private final Supplier<RuleResolver> resolver;

    SelfSubjectRulesReviewHandler(Authorizer authorizer, Supplier<RuleResolver> resolver) {
        this.authorizer = authorizer;
        this.resolver = resolver;
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        if (namespace(review).isEmpty()) {
            throw StatusError.badRequest("no namespace on request");
        }
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        RuleResolver r = resolver.get();
        RuleResolver.Rules rules = r != null ? r.rulesFor(scope.user(), namespace(review))
                : authorizer instanceof AlwaysAllowAuthorizer ? ALLOW_ALL : UNKNOWN;
        ObjectNode out = ReviewTrees.empty();
        ObjectNode status = out.putObject("status");
        ArrayNode resourceRules = status.putArray("resourceRules");
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        for (PolicyRule rule : rules.rules()) {
            if (rule.getResources() != null && !rule.getResources().isEmpty()) {
                ObjectNode n = resourceRules.addObject();
                ReviewTrees.putAlways(n, "verbs", rule.getVerbs());
                ReviewTrees.putIfNotEmpty(n, "apiGroups", rule.getApiGroups());
                ReviewTrees.putIfNotEmpty(n, "resources", rule.getResources());
                ReviewTrees.putIfNotEmpty(n, "resourceNames", rule.getResourceNames());
            }
            if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
                ObjectNode n = nonResourceRules.addObject();
                ReviewTrees.putAlways(n, "verbs", rule.getVerbs());
                ReviewTrees.putIfNotEmpty(n, "nonResourceURLs", rule.getNonResourceURLs());
            }
        }
        status.put("incomplete", rules.incomplete());
        ReviewTrees.putIfNotEmpty(status, "evaluationError", rules.evaluationError());
        return out;
    }

    private static String namespace(HasMetadata review) {
        SelfSubjectRulesReview r = (SelfSubjectRulesReview) review;
        return r.getSpec() == null || r.getSpec().getNamespace() == null ? "" : r.getSpec().getNamespace();
    }
}

package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.endpoints.handlers.VerbHandler;
import dev.kapi.apiserver.registry.reviews.ReviewResources;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code create} handlers of the review APIs ({@link ReviewResources}), by resource: the dispatcher
 * sends a POST of one of these here instead of to the stored create.
 */
public final class ReviewHandlers {

    private final Map<GroupResource, VerbHandler> byResource;

    /**
     * @param authorizer     the server's authorizer chain (what access reviews ask)
     * @param ruleResolver   the rules behind it, or null when none can list them
     * @param authenticators what token reviews ask, in order (may be empty)
     * @param apiAudiences   what a token review asks for when it names no audience ({@code --api-audiences})
     */
    public ReviewHandlers(Authorizer authorizer, Supplier<RuleResolver> ruleResolver,
                          List<TokenAuthenticator> authenticators, List<String> apiAudiences, Clock clock) {
        String authz = ReviewResources.AUTHORIZATION;
        String authn = ReviewResources.AUTHENTICATION;
        this.byResource = Map.of(
                new GroupResource(authz, "subjectaccessreviews"), new SubjectAccessReviewHandler(authorizer),
                new GroupResource(authz, "localsubjectaccessreviews"), new LocalSubjectAccessReviewHandler(authorizer),
                new GroupResource(authz, "selfsubjectaccessreviews"), new SelfSubjectAccessReviewHandler(authorizer),
                new GroupResource(authz, "selfsubjectrulesreviews"),
                new SelfSubjectRulesReviewHandler(authorizer, ruleResolver),
                new GroupResource(authn, "tokenreviews"), new TokenReviewHandler(authenticators, apiAudiences),
                new GroupResource(authn, "selfsubjectreviews"), new SelfSubjectReviewHandler(clock));
    }

    /** The create handler of each review resource. */
    public Map<GroupResource, VerbHandler> byResource() {
        return byResource;
    }
}

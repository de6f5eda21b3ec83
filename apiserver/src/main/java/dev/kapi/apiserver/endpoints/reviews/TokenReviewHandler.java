package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewSpec;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: who does {@code spec.token} authenticate as
 * for {@code spec.audiences} (none: the server's API audiences)? The token authenticators are asked in order,
 * as kube's union authenticator does: the first that knows the token answers, with the audiences it found the
 * token valid for ({@code status.audiences}); refusals are collected into {@code status.error} when none does.
 * A static or OIDC token is for the API audiences only, so a review for other audiences does not authenticate it.
 */
final class TokenReviewHandler extends ReviewHandler {

    private final List<TokenAuthenticator> authenticators;
    private final List<String> apiAudiences;

    TokenReviewHandler(List<TokenAuthenticator> authenticators, List<String> apiAudiences) {
        this.authenticators = List.copyOf(authenticators);
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        if (spec(review).getToken() == null || spec(review).getToken().isEmpty()) {
            throw StatusError.badRequest("token is required for TokenReview in authentication");
        }
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        TokenReviewSpec spec = spec(review);
        List<String> audiences = spec.getAudiences() == null || spec.getAudiences().isEmpty() ? apiAudiences
                : spec.getAudiences();
        List<String> refusals = new ArrayList<>();
        Optional<TokenAuthenticator.Authenticated> found = Optional.empty();
        for (TokenAuthenticator a : authenticators) {
            try {
                found = a.authenticate(spec.getToken(), audiences);
            } catch (RuntimeException e) { // a refusal, or a failure such as an OIDC issuer that cannot be reached
                refusals.add(e.getMessage() == null ? e.toString() : e.getMessage());
                continue;
            }
            if (found.isPresent()) {
                break;
            }
        }
        if (found.isPresent() && !audiences.isEmpty()
                && found.get().audiences().stream().noneMatch(audiences::contains)) {
            // kube's check that the authenticator answered for an audience that was asked
            throw StatusError.internal("error validating audiences");
        }
        List<String> valid = found.map(TokenAuthenticator.Authenticated::audiences).orElse(List.of());
        Optional<UserInfo> user = found.map(TokenAuthenticator.Authenticated::user);
        ObjectNode out = ReviewTrees.echo(review);
        ObjectNode status = out.putObject("status");
        if (user.isPresent()) {
            status.put("authenticated", true);
        }
        ObjectNode u = status.putObject("user");
        user.ifPresent(info -> {
            ReviewTrees.putIfNotEmpty(u, "username", info.name());
            ReviewTrees.putIfNotEmpty(u, "uid", info.uid());
            ReviewTrees.putIfNotEmpty(u, "groups", info.groups());
            ReviewTrees.putIfNotEmpty(u, "extra", info.extra());
            ReviewTrees.putIfNotEmpty(status, "audiences", valid);
        });
        if (user.isEmpty() && !refusals.isEmpty()) {
            status.put("error", refusals.size() == 1 ? refusals.get(0) : "[" + String.join(", ", refusals) + "]");
        }
        return out;
    }

    private static TokenReviewSpec spec(HasMetadata review) {
        TokenReviewSpec spec = ((TokenReview) review).getSpec();
        return spec == null ? new TokenReviewSpec() : spec;
    }
}

package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewSpec;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews}: may the requesting user do what the
 * spec's attributes say? ({@code kubectl auth can-i}).
 */
final class SelfSubjectAccessReviewHandler extends ReviewHandler {

    private final Authorizer authorizer;

    SelfSubjectAccessReviewHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        SelfSubjectAccessReviewSpec spec = spec(review);
        List<FieldError> errs = AccessReviews.errors();
        AccessReviews.checkAttributes(spec.getResourceAttributes(), spec.getNonResourceAttributes(), errs);
        ReviewSelectors.check(spec.getResourceAttributes(), errs);
        AccessReviews.checkMetadataEmpty(review.getMetadata(), false, errs);
        AccessReviews.throwIfInvalid(errs);
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        SelfSubjectAccessReviewSpec spec = spec(review);
        ObjectNode out = ReviewTrees.echo(review);
        out.set("status", AccessReviews.decide(authorizer, scope.user(), spec.getResourceAttributes(),
                spec.getNonResourceAttributes()));
        return out;
    }

    private static SelfSubjectAccessReviewSpec spec(HasMetadata review) {
        SelfSubjectAccessReviewSpec spec = ((SelfSubjectAccessReview) review).getSpec();
        return spec == null ? new SelfSubjectAccessReviewSpec() : spec;
    }
}

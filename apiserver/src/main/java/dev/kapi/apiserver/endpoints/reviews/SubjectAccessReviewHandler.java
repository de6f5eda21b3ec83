package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews}: may the user (and groups, uid, extra)
 * of {@code spec} do what its resource or non-resource attributes say? The server's authorizer answers.
 */
final class SubjectAccessReviewHandler extends ReviewHandler {

    private final Authorizer authorizer;

    SubjectAccessReviewHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        SubjectAccessReviewSpec spec = spec(review);
        List<FieldError> errs = AccessReviews.errors();
        AccessReviews.checkAttributes(spec.getResourceAttributes(), spec.getNonResourceAttributes(), errs);
        AccessReviews.checkSubject(spec.getUser(), spec.getGroups(), errs);
        ReviewSelectors.check(spec.getResourceAttributes(), errs);
        AccessReviews.checkMetadataEmpty(review.getMetadata(), false, errs);
        AccessReviews.throwIfInvalid(errs);
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        SubjectAccessReviewSpec spec = spec(review);
        ObjectNode out = ReviewTrees.echo(review);
        out.set("status", AccessReviews.decide(authorizer,
                AccessReviews.subject(spec.getUser(), spec.getUid(), spec.getGroups(), spec.getExtra()),
                spec.getResourceAttributes(), spec.getNonResourceAttributes()));
        return out;
    }

    private static SubjectAccessReviewSpec spec(HasMetadata review) {
        SubjectAccessReviewSpec spec = ((SubjectAccessReview) review).getSpec();
        return spec == null ? new SubjectAccessReviewSpec() : spec;
    }
}

package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code POST /apis/authorization.k8s.io/v1/namespaces/{ns}/localsubjectaccessreviews}: a subject access
 * review confined to one namespace, so that a namespace admin may be granted it. Only resource attributes,
 * and their namespace must be the URL's.
 */
final class LocalSubjectAccessReviewHandler extends ReviewHandler {

    private final Authorizer authorizer;

    LocalSubjectAccessReviewHandler(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        SubjectAccessReviewSpec spec = spec(review);
        List<FieldError> errs = AccessReviews.errors();
        AccessReviews.checkAttributes(spec.getResourceAttributes(), spec.getNonResourceAttributes(), errs);
        AccessReviews.checkSubject(spec.getUser(), spec.getGroups(), errs);
        ReviewSelectors.check(spec.getResourceAttributes(), errs);
        AccessReviews.checkMetadataEmpty(review.getMetadata(), true, errs);
        String namespace = review.getMetadata().getNamespace();
        if (spec.getResourceAttributes() != null) {
            String given = spec.getResourceAttributes().getNamespace() == null ? ""
                    : spec.getResourceAttributes().getNamespace();
            if (!given.equals(namespace)) {
                errs.add(FieldError.invalid("spec.resourceAttributes.namespace", given,
                        "must match metadata.namespace"));
            }
        }
        if (spec.getNonResourceAttributes() != null) {
            errs.add(FieldError.invalid("spec.nonResourceAttributes", AccessReviews.rendered(spec.getNonResourceAttributes()),
                    "disallowed on this kind of request"));
        }
        AccessReviews.throwIfInvalid(errs);
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        SubjectAccessReviewSpec spec = spec(review);
        ObjectNode out = ReviewTrees.echo(review);
        out.set("status", AccessReviews.decide(authorizer,
                AccessReviews.subject(spec.getUser(), spec.getUid(), spec.getGroups(), spec.getExtra()),
                spec.getResourceAttributes(), null));
        return out;
    }

    private static SubjectAccessReviewSpec spec(HasMetadata review) {
        SubjectAccessReviewSpec spec = ((LocalSubjectAccessReview) review).getSpec();
        return spec == null ? new SubjectAccessReviewSpec() : spec;
    }
}

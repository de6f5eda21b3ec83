package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * {@code POST /apis/authentication.k8s.io/v1/selfsubjectreviews}: who am I ({@code kubectl auth whoami})?
 * A new object, stamped with the current time as kube-apiserver does, whose {@code status.userInfo} is the
 * requesting user.
 */
final class SelfSubjectReviewHandler extends ReviewHandler {

    private final Clock clock;

    SelfSubjectReviewHandler(Clock clock) {
        this.clock = clock;
    }

    @Override
    void check(RequestScope scope, HasMetadata review) {
        // nothing to check: the request's content is ignored
    }

    @Override
    ObjectNode answer(RequestScope scope, HasMetadata review) {
        UserInfo user = scope.user();
        ObjectNode out = ReviewTrees.empty();
        out.putObject("metadata").put("creationTimestamp",
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        ObjectNode info = out.putObject("status").putObject("userInfo");
        ReviewTrees.putIfNotEmpty(info, "username", user.name());
        ReviewTrees.putIfNotEmpty(info, "uid", user.uid());
        ReviewTrees.putIfNotEmpty(info, "groups", user.groups());
        ReviewTrees.putIfNotEmpty(info, "extra", user.extra());
        return out;
    }
}

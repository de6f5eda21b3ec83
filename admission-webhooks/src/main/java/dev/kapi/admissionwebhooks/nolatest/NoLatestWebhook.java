package dev.kapi.admissionwebhooks.nolatest;

import dev.kapi.admissionwebhooks.images.ContainerImages;
import dev.kapi.admissionwebhooks.images.ImagePolicy;
import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.review.Registrations;
import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.Verdict;

/**
 * Validating: no container image may float. {@code nginx:latest} and untagged {@code nginx} (which the
 * runtime pulls as {@code :latest}) are denied; a version tag or a digest ({@code nginx@sha256:...}, also
 * {@code nginx:latest@sha256:...}, where the digest decides) is allowed.
 */
public final class NoLatestWebhook implements AdmissionWebhook {

    /** {@code webhooks.no-latest}. */
    public record Settings(boolean enabled, String failurePolicy) {
    }

    private static final ImagePolicy POLICY = new ImagePolicy(
            image -> image.pinned() ? null
                    : image.tag() == null ? "has no tag, so it runs whatever :latest is"
                    : "uses the :latest tag",
            "Pin a version tag (nginx:1.27.3) or a digest (nginx@sha256:...)");

    private final String failurePolicy;

    public NoLatestWebhook(Settings settings) {
        this.failurePolicy = Registrations.failurePolicy(name(), settings.failurePolicy());
    }

    @Override
    public String name() {
        return "no-latest";
    }

    @Override
    public Type type() {
        return Type.VALIDATING;
    }

    @Override
    public Verdict review(Review review) {
        return POLICY.decide(review);
    }

    @Override
    public Registration registration() {
        return new Registration(ContainerImages.rules(), null, failurePolicy);
    }
}

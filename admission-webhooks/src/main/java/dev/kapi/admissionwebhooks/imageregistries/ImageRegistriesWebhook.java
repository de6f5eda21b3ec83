package dev.kapi.admissionwebhooks.imageregistries;

import dev.kapi.admissionwebhooks.images.ContainerImages;
import dev.kapi.admissionwebhooks.images.ImagePolicy;
import dev.kapi.admissionwebhooks.images.ImageReference;
import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.review.Registrations;
import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.Verdict;

import java.util.List;

/**
 * Validating: every container image must come from an allowed registry. An allowed entry is a registry host
 * ({@code ghcr.io}, {@code registry.example.com:5000}) or a registry with a path prefix ({@code ghcr.io/acme}
 * allows {@code ghcr.io/acme/app} but not {@code ghcr.io/acme2/app}). Images without a registry are on Docker
 * Hub, {@code docker.io}; its official images are under {@code docker.io/library}.
 */
public final class ImageRegistriesWebhook implements AdmissionWebhook {

    /** {@code webhooks.image-registries}. */
    public record Settings(boolean enabled, List<String> allowed, String failurePolicy) {
        public Settings {
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }
    }

    /** An allowed registry, optionally narrowed to a path prefix. */
    record Allowed(String registry, String pathPrefix) {

        static Allowed parse(String entry) {
            String e = entry.trim();
            if (e.isEmpty() || e.contains("://") || e.contains("@") || e.endsWith("/")) {
                throw new IllegalArgumentException("webhooks.image-registries.allowed: \"" + entry
                        + "\" is not a registry host or host/path prefix (e.g. ghcr.io or ghcr.io/acme)");
            }
            int slash = e.indexOf('/');
            return slash < 0 ? new Allowed(ImageReference.normalizeRegistry(e), "")
                    : new Allowed(ImageReference.normalizeRegistry(e.substring(0, slash)), e.substring(slash + 1));
        }

        boolean allows(ImageReference image) {
            return image.registry().equals(registry) && (pathPrefix.isEmpty()
                    || image.repository().equals(pathPrefix) || image.repository().startsWith(pathPrefix + "/"));
        }

        @Override
        public String toString() {
            return pathPrefix.isEmpty() ? registry : registry + "/" + pathPrefix;
        }
    }

    private final List<Allowed> allowed;
    private final String failurePolicy;
    private final ImagePolicy policy;

    public ImageRegistriesWebhook(Settings settings) {
        if (settings.allowed().isEmpty()) {
            throw new IllegalArgumentException("webhooks.image-registries.allowed is empty: list the registries "
                    + "images may come from (e.g. docker.io, ghcr.io/acme), or disable the webhook");
        }
        this.allowed = settings.allowed().stream().map(Allowed::parse).toList();
        this.failurePolicy = Registrations.failurePolicy(name(), settings.failurePolicy());
        String list = String.join(", ", allowed.stream().map(Allowed::toString).toList());
        this.policy = new ImagePolicy(
                image -> allowed.stream().anyMatch(a -> a.allows(image)) ? null
                        : "is not from an allowed registry (it is from " + image.registry() + ")",
                "Allowed registries: " + list);
    }

    @Override
    public String name() {
        return "image-registries";
    }

    @Override
    public Type type() {
        return Type.VALIDATING;
    }

    @Override
    public Verdict review(Review review) {
        return policy.decide(review);
    }

    @Override
    public Registration registration() {
        return new Registration(ContainerImages.rules(), null, failurePolicy);
    }
}

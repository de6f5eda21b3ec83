package dev.kapi.admissionwebhooks.review;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;

import java.util.List;

/**
 * One webhook, served at {@link #path()}: decides an AdmissionReview request. Every enabled webhook bean is
 * served and appears in the printed/registered webhook configurations.
 *
 * <p>{@link #review} sees only well-formed reviews (the {@link ReviewCodec} answers the rest with 400) and
 * never throws for any object in them: an object it has nothing to say about is allowed. Updates are denied
 * only for violations they introduce; violations the old object already had become warnings, so that a
 * policy turned on later does not block changes to (or the deletion of) existing objects.
 */
public interface AdmissionWebhook {

    /** Mutating webhooks answer with a patch and register in the MutatingWebhookConfiguration. */
    enum Type {
        MUTATING("/mutate/"), VALIDATING("/validate/");

        private final String pathPrefix;

        Type(String pathPrefix) {
            this.pathPrefix = pathPrefix;
        }
    }

    /** What the API server should send to the webhook, as written into its webhook configuration. */
    record Registration(List<RuleWithOperations> rules, LabelSelector namespaceSelector, String failurePolicy) {
    }

    /** The key under {@code webhooks:} in the YAML, e.g. {@code pod-defaults}. */
    String name();

    Type type();

    /** The decision on one request. */
    Verdict review(Review review);

    /**
     * The rules, and a namespace selector when the webhook has its own (else null: the configured
     * {@code registration.exclude-namespaces} apply).
     */
    Registration registration();

    /** The URL path, e.g. {@code /mutate/pod-defaults}. */
    default String path() {
        return type().pathPrefix + name();
    }
}

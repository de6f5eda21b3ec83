package dev.kapi.apiserver.admission.plugin.webhook.generic;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;

import java.time.Duration;
import java.util.List;

/**
 * The webhook configurations admission calls (kube's {@code generic.Source}): every
 * MutatingWebhookConfiguration and ValidatingWebhookConfiguration as recently seen, e.g. from an informer. The
 * lists are read on every write: they must be cheap to get, unchanged objects that are never modified (a new list
 * when anything changed, so a caller may keep what it derived from one list instance until it sees another).
 */
public interface WebhookSource {

    /** No webhooks. */
    WebhookSource NONE = new WebhookSource() {
        @Override
        public List<MutatingWebhookConfiguration> mutating() {
            return List.of();
        }

        @Override
        public List<ValidatingWebhookConfiguration> validating() {
            return List.of();
        }
    };

    List<MutatingWebhookConfiguration> mutating();

    List<ValidatingWebhookConfiguration> validating();

    /** Waits until the lists reflect what is stored (the first list of an informer); false if not in time. */
    default boolean awaitSynced(Duration timeout) {
        return true;
    }
}

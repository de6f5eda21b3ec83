package dev.kapi.admissionwebhooks.registration;

import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The MutatingWebhookConfiguration and ValidatingWebhookConfiguration that make an API server call the
 * enabled webhooks: one entry per webhook, at {@code <external-url><path>}, trusting {@code caBundle}, AdmissionReview
 * v1, no side effects. Both are always written (possibly with no webhooks), so that registering replaces
 * whatever an earlier configuration had.
 */
public record WebhookConfigurations(MutatingWebhookConfiguration mutating, ValidatingWebhookConfiguration validating) {

    static final Map<String, String> LABELS = Map.of("app.kubernetes.io/managed-by", "kapi-admission-webhooks");

    public static WebhookConfigurations of(List<AdmissionWebhook> webhooks, RegistrationSettings settings,
                                           URI externalUrl, String caBundleBase64) {
        List<MutatingWebhook> mutating = webhooks.stream()
                .filter(w -> w.type() == AdmissionWebhook.Type.MUTATING)
                .map(w -> new MutatingWebhookBuilder()
                        .withName(w.name() + "." + settings.webhookNameSuffix())
                        .withClientConfig(clientConfig(w, externalUrl, caBundleBase64))
                        .withRules(w.registration().rules())
                        .withNamespaceSelector(namespaceSelector(w, settings))
                        .withFailurePolicy(w.registration().failurePolicy())
                        .withSideEffects("None")
                        .withAdmissionReviewVersions("v1")
                        .withTimeoutSeconds(settings.timeoutSeconds())
                        // defaults again when a later webhook adds a container (e.g. a sidecar injector)
                        .withReinvocationPolicy("IfNeeded")
                        .build())
                .toList();
        List<ValidatingWebhook> validating = webhooks.stream()
                .filter(w -> w.type() == AdmissionWebhook.Type.VALIDATING)
                .map(w -> new ValidatingWebhookBuilder()
                        .withName(w.name() + "." + settings.webhookNameSuffix())
                        .withClientConfig(clientConfig(w, externalUrl, caBundleBase64))
                        .withRules(w.registration().rules())
                        .withNamespaceSelector(namespaceSelector(w, settings))
                        .withFailurePolicy(w.registration().failurePolicy())
                        .withSideEffects("None")
                        .withAdmissionReviewVersions("v1")
                        .withTimeoutSeconds(settings.timeoutSeconds())
                        .build())
                .toList();
        return new WebhookConfigurations(
                new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.name())
                        .withLabels(LABELS).endMetadata().withWebhooks(mutating).build(),
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.name())
                        .withLabels(LABELS).endMetadata().withWebhooks(validating).build());
    }

    private static WebhookClientConfig clientConfig(AdmissionWebhook webhook, URI externalUrl, String caBundle) {
        return new WebhookClientConfigBuilder().withUrl(externalUrl + webhook.path()).withCaBundle(caBundle).build();
    }

    /** The webhook's own selector, else one that skips the excluded namespaces (else none: every namespace). */
    private static LabelSelector namespaceSelector(AdmissionWebhook webhook, RegistrationSettings settings) {
        if (webhook.registration().namespaceSelector() != null) {
            return webhook.registration().namespaceSelector();
        }
        if (settings.excludeNamespaces().isEmpty()) {
            return null;
        }
        return new LabelSelectorBuilder().addNewMatchExpression().withKey("kubernetes.io/metadata.name")
                .withOperator("NotIn").withValues(settings.excludeNamespaces()).endMatchExpression().build();
    }
}

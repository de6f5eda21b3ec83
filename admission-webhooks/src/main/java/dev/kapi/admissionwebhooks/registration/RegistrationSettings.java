package dev.kapi.admissionwebhooks.registration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * {@code registration:}: how the webhook configurations are written.
 *
 * @param name               the name of the MutatingWebhookConfiguration and of the ValidatingWebhookConfiguration
 * @param webhookNameSuffix  each webhook is named {@code <webhook>.<suffix>} (the API server wants a qualified name)
 * @param excludeNamespaces  namespaces no webhook is called for (except required-labels, which names its own)
 * @param timeoutSeconds     how long the API server waits for an answer (1 to 30)
 */
@ConfigurationProperties("registration")
public record RegistrationSettings(String name, String webhookNameSuffix, List<String> excludeNamespaces,
                                   int timeoutSeconds) {

    public RegistrationSettings {
        excludeNamespaces = excludeNamespaces == null ? List.of() : List.copyOf(excludeNamespaces);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("registration.name is empty");
        }
        if (webhookNameSuffix == null || webhookNameSuffix.split("\\.").length < 2) {
            throw new IllegalArgumentException("registration.webhook-name-suffix must be a domain with at least two "
                    + "labels (e.g. webhooks.example.com), not \"" + webhookNameSuffix + "\"");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 30) {
            throw new IllegalArgumentException("registration.timeout-seconds must be between 1 and 30, not "
                    + timeoutSeconds);
        }
    }
}

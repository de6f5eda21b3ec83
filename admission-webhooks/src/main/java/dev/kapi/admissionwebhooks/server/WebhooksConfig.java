package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.imageregistries.ImageRegistriesWebhook;
import dev.kapi.admissionwebhooks.nolatest.NoLatestWebhook;
import dev.kapi.admissionwebhooks.poddefaults.PodDefaultsWebhook;
import dev.kapi.admissionwebhooks.registration.RegistrationSettings;
import dev.kapi.admissionwebhooks.registration.WebhookConfigurations;
import dev.kapi.admissionwebhooks.requiredlabels.RequiredLabelsWebhook;
import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.tls.ServingCertificates;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The webhooks, in one place: a bean per webhook whose {@code webhooks.<name>.enabled} is true (the
 * {@code review.WebhookController} serves every such bean) and the webhook configurations registering them. A setting a webhook rejects
 * stops the start with its message.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WebhooksSettings.class, RegistrationSettings.class})
public class WebhooksConfig {

    @Bean
    @ConditionalOnBooleanProperty("webhooks.pod-defaults.enabled")
    AdmissionWebhook podDefaults(WebhooksSettings settings) {
        return checked(() -> new PodDefaultsWebhook(settings.podDefaults()));
    }

    @Bean
    @ConditionalOnBooleanProperty("webhooks.image-registries.enabled")
    AdmissionWebhook imageRegistries(WebhooksSettings settings) {
        return checked(() -> new ImageRegistriesWebhook(settings.imageRegistries()));
    }

    @Bean
    @ConditionalOnBooleanProperty("webhooks.required-labels.enabled")
    AdmissionWebhook requiredLabels(WebhooksSettings settings) {
        return checked(() -> new RequiredLabelsWebhook(settings.requiredLabels()));
    }

    @Bean
    @ConditionalOnBooleanProperty("webhooks.no-latest.enabled")
    AdmissionWebhook noLatest(WebhooksSettings settings) {
        return checked(() -> new NoLatestWebhook(settings.noLatest()));
    }

    /** The enabled webhooks: mutating first, then by name. */
    @Bean
    EnabledWebhooks enabledWebhooks(ObjectProvider<AdmissionWebhook> webhooks) {
        return new EnabledWebhooks(webhooks.stream()
                .sorted(Comparator.comparing(AdmissionWebhook::type).thenComparing(AdmissionWebhook::name))
                .toList());
    }

    @Bean
    WebhookConfigurations webhookConfigurations(EnabledWebhooks webhooks, RegistrationSettings registration,
                                                ServerSettings server, ServingCertificates certificates) {
        return WebhookConfigurations.of(webhooks.list(), registration, server.externalUrl(),
                certificates.caBundleBase64());
    }

    /** The webhooks served, in the order the configurations list them. */
    public record EnabledWebhooks(List<AdmissionWebhook> list) {
    }

    private static AdmissionWebhook checked(Supplier<AdmissionWebhook> webhook) {
        try {
            return webhook.get();
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
    }
}

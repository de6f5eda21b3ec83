package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.imageregistries.ImageRegistriesWebhook;
import dev.kapi.admissionwebhooks.nolatest.NoLatestWebhook;
import dev.kapi.admissionwebhooks.poddefaults.PodDefaultsWebhook;
import dev.kapi.admissionwebhooks.requiredlabels.RequiredLabelsWebhook;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code webhooks:}: each webhook's switch ({@code enabled}) and settings; the defaults are in application.yaml. */
@ConfigurationProperties("webhooks")
public record WebhooksSettings(PodDefaultsWebhook.Settings podDefaults,
                               ImageRegistriesWebhook.Settings imageRegistries,
                               RequiredLabelsWebhook.Settings requiredLabels,
                               NoLatestWebhook.Settings noLatest) {
}

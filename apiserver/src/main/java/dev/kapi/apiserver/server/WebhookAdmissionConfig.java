package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.webhook.generic.CelMatchConditions;
import dev.kapi.apiserver.admission.plugin.webhook.generic.HookMatcher;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookCaller;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;
import dev.kapi.apiserver.admission.plugin.webhook.mutating.MutatingWebhookPlugin;
import dev.kapi.apiserver.admission.plugin.webhook.validating.ValidatingWebhookPlugin;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.webhook.ServiceUrls;
import dev.kapi.apiserver.webhook.WebhookClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * Dynamic admission webhooks (kube's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins, both on by
 * default): the webhook configurations and namespace labels from informers started before anything writes
 * (bootstrap RBAC included), service references resolved by {@code --webhook-service-urls}
 * ({@link ServiceUrls}), calls through the server's shared {@link WebhookClient}; matchConditions in the admission
 * CEL environment ({@link CelMatchConditions}), whose {@code authorizer} asks the server's authorizer.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookAdmissionConfig {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdmissionConfig.class);
    /** Before {@code RbacConfig}'s startup (phase 0), whose bootstrap writes are admitted. */
    static final int PHASE = -1;

    @Bean(destroyMethod = "close")
    WebhookConfigurationInformers webhookConfigurationInformers(StoreRegistry stores) {
        return new WebhookConfigurationInformers(stores, InformerOptions.DEFAULTS);
    }

    @Bean
    InformerSync webhookInformersSynced(WebhookConfigurationInformers informers) {
        return informers::synced;
    }

    @Bean
    SmartLifecycle webhookAdmissionStartup(WebhookConfigurationInformers informers) {
        return new StartupStep(PHASE) {
            @Override
            protected void begin() {
                informers.start();
                if (!informers.awaitSynced(Duration.ofSeconds(10))) {
                    LOG.warn("webhook configurations not listed after 10s; writes wait for them");
                }
            }
        };
    }

    /** {@code --webhook-service-urls}: where admission and CRD conversion webhooks given as a service are called. */
    @Bean
    ServiceUrls webhookServiceUrls(@Value("${webhook-service-urls:}") String serviceUrls) {
        try {
            return ServiceUrls.parse(serviceUrls);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage());
        }
    }

    @Bean
    Webhooks webhooks(WebhookConfigurationInformers informers, ResourceRegistry resources, Authorizer authorizer,
                      ServiceUrls services, MeterRegistry meters) {
        RegistryVersions versions = new RegistryVersions(resources);
        return new Webhooks(informers, new HookMatcher(informers, versions, new CelMatchConditions(authorizer)),
                new WebhookCaller(WebhookClient.shared(), services), versions, new WebhookMeters(meters));
    }

    @Bean
    MutatingWebhookPlugin mutatingAdmissionWebhook(Webhooks webhooks) {
        return new MutatingWebhookPlugin(webhooks);
    }

    @Bean
    ValidatingWebhookPlugin validatingAdmissionWebhook(Webhooks webhooks) {
        return new ValidatingWebhookPlugin(webhooks);
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.serviceaccount.LegacyServiceAccountTokens;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.server.tls.ServingPki;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.webhook.ServiceUrls;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The controllers that run in the server ({@link ControllerManager}; flags in {@link ControllerOptions}):
 * clients of the registry, started once the bootstrap RBAC policy is
 * in place (the aggregation controller's own rights come from it) and before the web server, and stopped, in
 * bounded time, before storage closes.
 */
@Configuration(proxyBeanMethods = false)
public class ControllersConfig {

    /** After {@code RbacConfig}'s startup (phase 0), which reconciles the bootstrap policy. */
    static final int PHASE = 1;

    @Bean(destroyMethod = "close")
    ControllerManager controllerManager(StoreRegistry stores, WritePipeline writes, ControllerOptions options,
                                        ServingPki pki, LegacyServiceAccountTokens tokens,
                                        ServiceUrls webhookServices) {
        return new ControllerManager(stores, writes, options.settings()
                .withRootCa(Pem.certificates(pki.trustForClients())).withTokens(tokens)
                .withWebhookServices(webhookServices));
    }

    @Bean
    SmartLifecycle controllersStartup(ControllerManager controllers, SystemNamespaces namespaces) {
        return new StartupStep(PHASE) {
            @Override
            protected void begin() {
                namespaces.createMissing(); // the leader-election Lease lives in kube-system
                controllers.start();
            }
        };
    }
}

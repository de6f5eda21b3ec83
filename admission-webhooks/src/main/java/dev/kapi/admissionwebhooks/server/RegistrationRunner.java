package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.registration.ConfigPrinter;
import dev.kapi.admissionwebhooks.registration.SelfRegistration;
import dev.kapi.admissionwebhooks.registration.WebhookConfigurations;
import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.tls.ServingCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Once the server listens: says which webhooks it serves, prints the webhook configurations
 * ({@code --print-config}) and registers them in the cluster of {@code --kubeconfig}. A refused registration stops the process (exit code 1) with the reason.
 */
@Component
public class RegistrationRunner implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationRunner.class);

    private final ServerSettings settings;
    private final WebhooksConfig.EnabledWebhooks webhooks;
    private final WebhookConfigurations configurations;
    private final ServingCertificates certificates;

    public RegistrationRunner(ServerSettings settings, WebhooksConfig.EnabledWebhooks webhooks,
                              WebhookConfigurations configurations, ServingCertificates certificates) {
        this.settings = settings;
        this.webhooks = webhooks;
        this.configurations = configurations;
        this.certificates = certificates;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (webhooks.list().isEmpty()) {
            LOG.warn("No webhook is enabled: set webhooks.<name>.enabled: true in the --config file. "
                    + "Serving only /healthz");
        } else {
            LOG.info("Serving {} for API servers at {}", webhooks.list().stream().map(AdmissionWebhook::path)
                    .collect(Collectors.joining(", ")), settings.externalUrl());
        }
        if (settings.printConfig()) {
            print(System.out);
        }
        if (!settings.kubeconfig().isEmpty()) {
            try {
                SelfRegistration.register(Path.of(settings.kubeconfig()), configurations);
            } catch (IOException e) {
                throw new StartupFailure("cannot read --kubeconfig " + settings.kubeconfig() + ": " + e, e);
            } catch (SelfRegistration.RegistrationException e) {
                throw new StartupFailure(e.getMessage(), e);
            }
        }
    }

    /** The configurations to register, as YAML (the {@code print-config} command and {@code --print-config}). */
    public void print(PrintStream out) {
        ConfigPrinter.print(configurations, settings.externalUrl().toString(), certificates.caBundleBase64(), out);
    }
}

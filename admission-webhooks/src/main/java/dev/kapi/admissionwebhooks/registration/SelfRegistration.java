package dev.kapi.admissionwebhooks.registration;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates or replaces the two webhook configurations in the cluster a kubeconfig points at (its current
 * context), as the kubeconfig's user: get, then create when absent or replace at the read resourceVersion,
 * retried when someone else changed it in between.
 */
public final class SelfRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(SelfRegistration.class);
    private static final int ATTEMPTS = 3;

    private SelfRegistration() {
    }

    /** Registers both configurations; a failure names the cluster and the API server's answer. */
    public static void register(Path kubeconfig, WebhookConfigurations configurations) throws IOException {
        Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            createOrReplace(client, configurations.mutating());
            createOrReplace(client, configurations.validating());
        } catch (KubernetesClientException e) {
            throw new RegistrationException("cannot register the webhook configurations with " + config.getMasterUrl()
                    + " (kubeconfig " + kubeconfig + "): " + e.getMessage(), e);
        }
    }

    private static void createOrReplace(KubernetesClient client, HasMetadata desired) {
        for (int attempt = 1; ; attempt++) {
            HasMetadata existing = client.resource(desired).get();
            try {
                if (existing == null) {
                    client.resource(desired).create();
                    LOG.info("Created {} {}", desired.getKind(), desired.getMetadata().getName());
                } else {
                    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                    client.resource(desired).update();
                    LOG.info("Replaced {} {}", desired.getKind(), desired.getMetadata().getName());
                }
                return;
            } catch (KubernetesClientException e) {
                // 409: created or changed by someone else since the read; read again
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            } finally {
                desired.getMetadata().setResourceVersion(null);
            }
        }
    }

    /** Registration failed: the message says where and why. */
    public static class RegistrationException extends RuntimeException {
        RegistrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

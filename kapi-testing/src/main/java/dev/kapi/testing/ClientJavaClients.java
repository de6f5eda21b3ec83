package dev.kapi.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/**
 * client-java's clients, in a class of their own so that nothing loads client-java (an optional dependency)
 * unless a test asks for an {@link ApiClient}.
 */
final class ClientJavaClients {

    private ClientJavaClients() {
    }

    record Made(ApiClient client, AutoCloseable closer) {
    }

    static Made make(String kubeconfig) {
        try {
            ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(kubeconfig))).build();
            return new Made(client, () -> {
                client.getHttpClient().dispatcher().executorService().shutdown();
                client.getHttpClient().connectionPool().evictAll();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

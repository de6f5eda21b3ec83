package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * A running Kapi server as a test sees it: where it listens, its administrator's kubeconfig, and clients for
 * any user. Users are authenticated by client certificates the server's CA signs on request, so
 * {@code client("alice", "dev")} is the user {@code alice} in group {@code dev} (plus
 * {@code system:authenticated}), with exactly the rights RBAC gives her. Clients made here are closed with the
 * server.
 */
public interface KapiServer {

    /** The administrator: {@code kapi-admin} in {@code system:masters}. */
    String ADMIN = "kapi-admin";

    /** {@code https://127.0.0.1:<port>}. */
    URI url();

    /** A kubeconfig file for the administrator (as {@code kubectl --kubeconfig} takes it). */
    Path kubeconfig();

    /**
     * The namespace clients made here work in: the test method's fresh namespace under
     * {@link KapiTest#namespacePerTest()}, otherwise {@code default}.
     */
    String namespace();

    /** A client certificate and key for {@code user} in {@code groups}, and the CA to trust the server by. */
    Credentials credentials(String user, String... groups);

    /** The administrator's credentials. */
    default Credentials adminCredentials() {
        return credentials(ADMIN, "system:masters");
    }

    /** A kubeconfig (YAML) for {@code user} in {@code groups}, its context set to {@link #namespace()}. */
    default String kubeconfig(String user, String... groups) {
        return credentials(user, groups).kubeconfig(url(), namespace());
    }

    /** A fabric8 client for the administrator, in {@link #namespace()}. */
    default KubernetesClient client() {
        return client(ADMIN, "system:masters");
    }

    /** A fabric8 client for {@code user} in {@code groups}, in {@link #namespace()}. */
    KubernetesClient client(String user, String... groups);

    /** An official Java client ({@code io.kubernetes:client-java}, on the test class path) for the administrator. */
    default ApiClient apiClient() {
        return apiClient(ADMIN, "system:masters");
    }

    /** An official Java client for {@code user} in {@code groups}. */
    ApiClient apiClient(String user, String... groups);

    /**
     * A new JDK HTTP client that trusts the server and authenticates as {@code user} in {@code groups}: yours to
     * close; one still open when the server stops is shut down with it.
     */
    HttpClient httpClient(String user, String... groups);

    /** A Spring bean of the running server (for looking inside, e.g. its {@code ResourceRegistry}). */
    <T> T bean(Class<T> type);
}

package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.kubernetes.client.openapi.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * One test class's view of a server (its own, or one shared by the run): the same server, with the namespace
 * of the test method running now ({@link KapiTest#namespacePerTest()}). Its admin client is made once and
 * narrowed to each test's namespace.
 */
final class ScopedServer implements KapiServer {

    private final KapiTestServer server;
    private volatile String namespace = "default";
    private volatile KubernetesClient admin;
    private volatile ApiClient adminApiClient;

    ScopedServer(KapiTestServer server) {
        this.server = server;
    }

    void namespace(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public URI url() {
        return server.url();
    }

    @Override
    public Path kubeconfig() {
        return server.kubeconfig();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public Credentials credentials(String user, String... groups) {
        return server.credentials(user, groups);
    }

    /** The administrator's client in this test's namespace (one client underneath, shared by the tests). */
    @Override
    public KubernetesClient client() {
        KubernetesClient made = admin;
        if (made == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = server.clients().fabric8("default", ADMIN, "system:masters");
                }
                made = admin;
            }
        }
        return made.adapt(NamespacedKubernetesClient.class).inNamespace(namespace);
    }

    @Override
    public KubernetesClient client(String user, String... groups) {
        return server.clients().fabric8(namespace, user, groups);
    }

    /** The administrator's client-java client, made once. */
    @Override
    public ApiClient apiClient() {
        if (adminApiClient == null) {
            synchronized (this) {
                if (adminApiClient == null) {
                    adminApiClient = apiClient(ADMIN, "system:masters");
                }
            }
        }
        return adminApiClient;
    }

    @Override
    public ApiClient apiClient(String user, String... groups) {
        return server.clients().clientJava(namespace, user, groups);
    }

    @Override
    public HttpClient httpClient(String user, String... groups) {
        return server.httpClient(user, groups);
    }

    @Override
    public <T> T bean(Class<T> type) {
        return server.bean(type);
    }

    @Override
    public String toString() {
        return "Kapi at " + url() + " (namespace " + namespace + ")";
    }
}

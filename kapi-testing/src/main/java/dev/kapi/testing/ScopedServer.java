package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * A test's view of a server (the class's own, or one shared by the run) in one namespace: {@code default} for the
 * class, the test method's fresh namespace under {@link KapiTest#namespacePerTest()} ({@link #inNamespace});
 * concurrent test methods each have their own view. Its clients are the server's, one per user, narrowed to the
 * view's namespace ({@link TestClients}).
 */
final class ScopedServer implements KapiServer {

    private final KapiTestServer server;
    private final String namespace;

    ScopedServer(KapiTestServer server) {
        this(server, "default");
    }

    private ScopedServer(KapiTestServer server, String namespace) {
        this.server = server;
        this.namespace = namespace;
    }

    /** The server this is a view of. */
    KapiTestServer testServer() {
        return server;
    }

    /** The same server, in {@code namespace}. */
    ScopedServer inNamespace(String namespace) {
        return new ScopedServer(server, namespace);
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

    @Override
    public KubernetesClient client(String user, String... groups) {
        return server.clients().fabric8(namespace, user, groups);
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

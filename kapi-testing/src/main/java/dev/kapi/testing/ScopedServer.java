package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.kubernetes.client.openapi.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * A test's view of a server (the class's own, or one shared by the run) in one namespace: {@code default} for the
 * class, the test method's fresh namespace under {@link KapiTest#namespacePerTest()} ({@link #inNamespace}). Views
 * of one class share its admin clients, made once and narrowed to each view's namespace; concurrent test
 * methods each have their own view.
 */
final class ScopedServer implements KapiServer {

    private final KapiTestServer server;
    private final String namespace;
    private final AdminClients admin;

    ScopedServer(KapiTestServer server) {
        this(server, "default", new AdminClients(server));
    }

    private ScopedServer(KapiTestServer server, String namespace, AdminClients admin) {
        this.server = server;
        this.namespace = namespace;
        this.admin = admin;
    }

    /** The same server and admin clients, in {@code namespace}. */
    ScopedServer inNamespace(String namespace) {
        return new ScopedServer(server, namespace, admin);
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

    /** The administrator's client in this view's namespace (one client underneath, shared by the class). */
    @Override
    public KubernetesClient client() {
        return admin.fabric8().adapt(NamespacedKubernetesClient.class).inNamespace(namespace);
    }

    @Override
    public KubernetesClient client(String user, String... groups) {
        return server.clients().fabric8(namespace, user, groups);
    }

    /** The administrator's client-java client, made once per class. */
    @Override
    public ApiClient apiClient() {
        return admin.clientJava();
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

    /** The administrator's clients of one class's views, made on first use. */
    private static final class AdminClients {

        private final KapiTestServer server;
        private KubernetesClient fabric8;
        private ApiClient clientJava;

        AdminClients(KapiTestServer server) {
            this.server = server;
        }

        synchronized KubernetesClient fabric8() {
            if (fabric8 == null) {
                fabric8 = server.clients().fabric8("default", ADMIN, "system:masters");
            }
            return fabric8;
        }

        synchronized ApiClient clientJava() {
            if (clientJava == null) {
                clientJava = server.clients().clientJava("default", ADMIN, "system:masters");
            }
            return clientJava;
        }
    }
}

package dev.kapi.testing;

import dev.kapi.apiserver.server.tls.Pem;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.kubernetes.client.openapi.ApiClient;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Makes the clients of one server (fabric8, client-java, the JDK's) for any user, and closes them all when the
 * server stops, so that a test run leaves no client threads behind.
 */
final class TestClients implements AutoCloseable {

    private final URI url;
    private final TestPki pki;
    private final Queue<AutoCloseable> open = new ConcurrentLinkedQueue<>();
    private final Map<List<String>, KubernetesClient> fabric8Clients = new ConcurrentHashMap<>();
    /** Values are client-java's ApiClient, held as Object so that this class loads without client-java. */
    private final Map<List<String>, Object> clientJavaClients = new ConcurrentHashMap<>();
    /** The JDK clients handed out, held weakly: one a test dropped is collected, and its selector thread ends. */
    private final Queue<WeakReference<HttpClient>> httpClients = new ConcurrentLinkedQueue<>();

    TestClients(URI url, TestPki pki) {
        this.url = url;
        this.pki = pki;
    }

    Credentials credentials(String user, String... groups) {
        return pki.credentials(user, groups);
    }

    /**
     * A fabric8 client for the user in {@code namespace}: one client per user and groups (one HTTP client, one
     * connection pool), narrowed to each namespace asked for, so that a run's many tests on a shared server do not
     * pile up clients until the server stops.
     */
    KubernetesClient fabric8(String namespace, String user, String... groups) {
        // a test that closed a client it was given (try-with-resources) closed the shared one: make a new one
        KubernetesClient base = fabric8Clients.compute(TestPki.userKey(user, groups), (k, known) -> {
            if (known != null && !known.getHttpClient().isClosed()) {
                return known;
            }
            KubernetesClient made = new KubernetesClientBuilder()
                    .withConfig(fabric8Config("default", user, groups)).build();
            open.add(made);
            return made;
        });
        return base.adapt(NamespacedKubernetesClient.class).inNamespace(namespace);
    }

    /**
     * The client's configuration from these credentials alone: {@code Config.empty()}, so that nothing of the test's
     * environment ({@code KUBERNETES_MASTER}, a token, impersonation, {@code HTTPS_PROXY}, ~/.kube/config) is laid
     * over it as fabric8's auto-configuration would.
     */
    Config fabric8Config(String namespace, String user, String... groups) {
        Credentials c = credentials(user, groups);
        return new ConfigBuilder(Config.empty()).withMasterUrl(url.toString())
                .withCaCertData(base64(c.caCertificatePem())).withClientCertData(base64(c.certificatePem()))
                .withClientKeyData(base64(c.keyPem())).withClientKeyAlgo(keyAlgorithm(c.keyPem()))
                .withNamespace(namespace).build();
    }

    private static String keyAlgorithm(String keyPem) {
        return keyPem.contains("BEGIN EC PRIVATE KEY") ? "EC" : "RSA";
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** A client-java client for the user (one per user and groups; its calls name their namespace). */
    ApiClient clientJava(String namespace, String user, String... groups) {
        return (ApiClient) clientJavaClients.computeIfAbsent(TestPki.userKey(user, groups), k -> {
            ClientJavaClients.Made made = ClientJavaClients.make(credentials(user, groups).kubeconfig(url, namespace));
            open.add(made.closer());
            return made.client();
        });
    }

    /**
     * A new JDK client for the user: the test's own (it may close it; try-with-resources is fine), shut down with
     * the server if it is still around then, and left to the garbage collector (with its selector thread) once
     * the test drops it.
     */
    HttpClient http(String user, String... groups) {
        HttpClient made = newHttp(credentials(user, groups));
        httpClients.removeIf(ref -> ref.refersTo(null));
        httpClients.add(new WeakReference<>(made));
        return made;
    }

    private static HttpClient newHttp(Credentials c) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.readCertificates(c.caCertificatePem()).getFirst());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "kapi".toCharArray();
            List<X509Certificate> chain = Pem.readCertificates(c.certificatePem());
            keys.setKeyEntry("client", Pem.readPrivateKey(c.keyPem()), password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an HTTPS client for " + c.user(), e);
        }
    }

    @Override
    public void close() {
        for (WeakReference<HttpClient> ref; (ref = httpClients.poll()) != null; ) {
            HttpClient client = ref.get();
            if (client != null) {
                client.shutdownNow();
            }
        }
        for (AutoCloseable c; (c = open.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                // a client that fails to close must not keep the server running
            }
        }
    }
}

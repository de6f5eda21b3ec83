package dev.kapi.testing;

import dev.kapi.apiserver.server.tls.Pem;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubernetes.client.openapi.ApiClient;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Makes the clients of one server (fabric8, client-java, the JDK's) for any user, and closes them all when the
 * server stops, so that a test run leaves no client threads behind.
 */
final class TestClients implements AutoCloseable {

    private final URI url;
    private final TestPki pki;
    private final Queue<AutoCloseable> open = new ConcurrentLinkedQueue<>();

    TestClients(URI url, TestPki pki) {
        this.url = url;
        this.pki = pki;
    }

    Credentials credentials(String user, String... groups) {
        return pki.credentials(user, groups);
    }

    KubernetesClient fabric8(String namespace, String user, String... groups) {
        Config config = Config.fromKubeconfig(credentials(user, groups).kubeconfig(url, namespace));
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        open.add(client);
        return client;
    }

    ApiClient clientJava(String namespace, String user, String... groups) {
        ClientJavaClients.Made made = ClientJavaClients.make(credentials(user, groups).kubeconfig(url, namespace));
        open.add(made.closer());
        return made.client();
    }

    HttpClient http(String user, String... groups) {
        Credentials c = credentials(user, groups);
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
            HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
            open.add(client::shutdownNow);
            return client;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an HTTPS client for " + user, e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c; (c = open.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                // a client that fails to close must not keep the server running
            }
        }
    }
}

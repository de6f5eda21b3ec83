package dev.kapi.testing;

import dev.kapi.apiserver.KapiApplication;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kapi API server running inside this JVM, for tests: HTTPS on a free port of 127.0.0.1, its state in
 * {@code dataDir} (the embedded store, unless {@code --etcd-servers=...} is given), RBAC on. Clients made by
 * {@link #httpClient} present a certificate from the server's own CA for any user and groups.
 *
 * <pre>{@code
 * try (KapiTestServer kapi = KapiTestServer.start(tempDir)) {
 *     HttpClient admin = kapi.httpClient("admin", "system:masters");
 *     admin.send(HttpRequest.newBuilder(kapi.url().resolve("/api/v1/namespaces")).build(), ofString());
 * }
 * }</pre>
 */
public final class KapiTestServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final URI url;

    private KapiTestServer(ConfigurableApplicationContext context, Path dataDir, int port) {
        this.context = context;
        this.dataDir = dataDir;
        this.url = URI.create("https://127.0.0.1:" + port);
    }

    /**
     * Starts a server and returns once it serves.
     *
     * @param flags more kube-apiserver flags, each as {@code --name=value}
     */
    public static KapiTestServer start(Path dataDir, String... flags) {
        List<String> args = new ArrayList<>(List.of("--secure-port=0", "--bind-address=127.0.0.1",
                "--data-dir=" + dataDir));
        args.addAll(List.of(flags));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(KapiApplication.class)
                .run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new KapiTestServer(context, dataDir, port);
    }

    /** {@code https://127.0.0.1:<port>}. */
    public URI url() {
        return url;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The admin kubeconfig the server wrote ({@code system:admin} in {@code system:masters}). */
    public Path kubeconfig() {
        return dataDir.resolve("kubeconfig");
    }

    /** A bean of the running server, e.g. its {@code ResourceRegistry}. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** An HTTPS client trusting the server, authenticated as {@code user} in {@code groups} by a client certificate. */
    public HttpClient httpClient(String user, String... groups) {
        try {
            Certificates.Issued ca = new Certificates.Issued(
                    Pem.readCertificates(dataDir.resolve("pki/ca.crt")).getFirst(),
                    Pem.readPrivateKey(dataDir.resolve("pki/ca.key")));
            Certificates.Issued client = Certificates.client(ca, user, List.of(groups), Duration.ofHours(1));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "kapi".toCharArray();
            keys.setKeyEntry("client", client.key(), password, new X509Certificate[]{client.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server. */
    @Override
    public void close() {
        context.close();
    }
}

package dev.kapi.admissionwebhooks.testing;

import dev.kapi.admissionwebhooks.AdmissionWebhooksApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The webhooks application started as {@code main} starts it (on a free port), and an HTTPS client for it. */
public final class RunningWebhooks implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    private RunningWebhooks(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Starts with the flags, plus a free port. */
    public static RunningWebhooks start(String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--secure-port=0");
        return new RunningWebhooks(AdmissionWebhooksApplication.run(args.toArray(String[]::new), System.out));
    }

    public int port() {
        return port;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** An HTTPS client trusting only the CAs in the PEM file (host names are verified). */
    public static HttpClient clientTrusting(Path caPem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(caPem)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate ca : cas) {
            trust.setCertificateEntry("ca-" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** POSTs a body to a path of the server, at https://localhost:port. */
    public HttpResponse<String> post(HttpClient client, String path, byte[] body, String contentType)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        context.close();
    }
}

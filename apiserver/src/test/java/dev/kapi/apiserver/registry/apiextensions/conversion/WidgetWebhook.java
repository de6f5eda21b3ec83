package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;

import tools.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test conversion webhook ({@code conversion/widget_webhook.py}) as a separate python3 process serving
 * HTTPS on 127.0.0.1 with a certificate from a CA made here; {@link #close()} stops it.
 */
final class WidgetWebhook implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String caBundle;
    private final X509Certificate caCert;

    WidgetWebhook(Path dir) throws IOException {
        Certificates.Issued ca = Certificates.selfSignedCa("widget-webhook-ca", Duration.ofHours(1));
        Certificates.Issued serving = Certificates.serving(ca, "127.0.0.1", List.of("127.0.0.1"), Duration.ofHours(1));
        Path cert = Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(serving.certificate())));
        Path key = Files.writeString(dir.resolve("tls.key"), Pem.privateKey(serving.key()));
        Path script = dir.resolve("widget_webhook.py");
        try (InputStream in = WidgetWebhook.class.getResourceAsStream("/conversion/widget_webhook.py")) {
            Files.copy(in, script);
        }
        caBundle = base64Pem(ca);
        caCert = ca.certificate();
        process = new ProcessBuilder("/usr/bin/python3", script.toString(), cert.toString(), key.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("the webhook process exited before it listened");
        }
        port = Integer.parseInt(line.strip());
    }

    static String base64Pem(Certificates.Issued ca) {
        return Base64.getEncoder().encodeToString(
                Pem.certificates(List.of(ca.certificate())).getBytes(StandardCharsets.US_ASCII));
    }

    String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    String caBundle() {
        return caBundle;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last ConversionReview the webhook received, with the request path under {@code path}. */
    ObjectNode lastReview() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build()) {
            byte[] body = http.send(HttpRequest.newBuilder(URI.create(url("/last"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            return Json.object(body);
        }
    }
}

package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;

import tools.jackson.databind.node.ObjectNode;

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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test conversion webhook ({@code conversion/widget_webhook.py}) as a separate python3 process serving
 * HTTPS on 127.0.0.1 with a certificate from a CA made here; {@link #close()} stops it. It converts the
 * objects of any group between {@code <group>/v1} ({@code spec.size}, a string) and {@code <group>/v2}
 * ({@code spec.replicas}, an integer); the request path picks a behaviour (see the script).
 */
public final class WidgetWebhook implements AutoCloseable {

    /** The service name the serving certificate is also valid for: service {@code widgets} in {@code conversion}. */
    public static final String SERVICE_NAME = "widgets.conversion.svc";

    private final Process process;
    private final int port;
    private final String caBundle;
    private final X509Certificate caCert;

    /** Starts the webhook with its certificate, key and script written to {@code dir}. */
    public WidgetWebhook(Path dir) throws IOException {
        Certificates.Issued ca = Certificates.selfSignedCa("widget-webhook-ca", Duration.ofHours(1));
        Certificates.Issued serving = Certificates.serving(ca, "127.0.0.1", List.of("127.0.0.1", SERVICE_NAME),
                Duration.ofHours(1));
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

    /** A CA certificate as a {@code caBundle}: base64 of its PEM. */
    public static String base64Pem(Certificates.Issued ca) {
        return Base64.getEncoder().encodeToString(
                Pem.certificates(List.of(ca.certificate())).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code https://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    /** The CA that signed the serving certificate, as a {@code caBundle}. */
    public String caBundle() {
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

    public boolean alive() {
        return process.isAlive();
    }

    /** The last ConversionReview the webhook received, with the request path under {@code path}. */
    public ObjectNode lastReview() throws Exception {
        try (HttpClient http = TlsClients.httpClient(caCert, null)) {
            byte[] body = http.send(HttpRequest.newBuilder(URI.create(url("/last"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            return Json.object(body);
        }
    }
}

package dev.kapi.apiserver.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A webhook for tests (audit, token authentication): the JDK's HTTPS server on 127.0.0.1, its certificate from a
 * CA made here, asking for a client certificate of a second CA made here (not requiring one). Every POST is kept
 * with its Authorization header and the client certificate's subject, and answered 200 with no body, or with what
 * {@link #answer} makes of it; {@link #failNext} makes the next calls fail. {@link #kubeconfig} writes the
 * kubeconfig that points Kapi's {@code --audit-webhook-config-file} (or another webhook flag) at it.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One POST: its credentials and its EventList. */
    public record Call(String authorization, String clientSubject, JsonNode body) {
    }

    private final HttpsServer server;
    private final Certificates.Issued ca = Certificates.selfSignedCa("audit-webhook-ca", Duration.ofHours(1));
    private final Certificates.Issued clientCa = Certificates.selfSignedCa("audit-client-ca", Duration.ofHours(1));
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger failing = new AtomicInteger();
    private volatile int failCode = 500;
    private volatile Function<JsonNode, JsonNode> answer = body -> null;

    public WebhookReceiver() throws Exception {
        Certificates.Issued serving = Certificates.serving(ca, "audit-webhook", List.of("127.0.0.1"),
                Duration.ofHours(1));
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("client-ca", clientCa.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(Certificates.keyManagers(serving.key(), List.of(serving.certificate())), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    /** A started receiver, for a static field (a failure to start is unchecked). */
    public static WebhookReceiver create() {
        try {
            return new WebhookReceiver();
        } catch (Exception e) {
            throw new IllegalStateException("the test webhook did not start", e);
        }
    }

    /** {@code https://127.0.0.1:<port>/audit}. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/audit";
    }

    /** The CA that signed the receiver's certificate. */
    public Certificates.Issued ca() {
        return ca;
    }

    /** A client certificate the receiver accepts, for {@code user}. */
    public Certificates.Issued client(String user) {
        return Certificates.client(clientCa, user, List.of(), Duration.ofHours(1));
    }

    /**
     * Writes {@code kubeconfig} into {@code dir} with the CA as a file beside it (named relatively) and
     * {@code userYaml} (the lines under {@code user:}, indented by six spaces) as the user.
     */
    public Path kubeconfig(Path dir, String userYaml) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("audit-ca.crt"), Pem.certificates(List.of(ca.certificate())));
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: audit
                  cluster:
                    server: %s
                    certificate-authority: audit-ca.crt
                users:
                - name: kapi
                  user:
                %s
                contexts:
                - name: default
                  context:
                    cluster: audit
                    user: kapi
                current-context: default
                """.formatted(url(), userYaml.isEmpty() ? "      {}" : userYaml);
        Path file = dir.resolve("audit-webhook.kubeconfig");
        Files.writeString(file, yaml);
        return file;
    }

    /** Writes a client certificate for {@code user} and its key as files into {@code dir}: the user's lines. */
    public String clientCertificateUser(Path dir, String user) throws IOException {
        Certificates.Issued client = client(user);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("client.crt"), Pem.certificates(List.of(client.certificate())));
        Files.writeString(dir.resolve("client.key"), Pem.privateKey(client.key()));
        return "      client-certificate: client.crt\n      client-key: client.key";
    }

    /** Answers each call with what {@code answer} makes of its body (200, JSON; null = no body). */
    public void answer(Function<JsonNode, JsonNode> answer) {
        this.answer = answer;
    }

    /** The next {@code n} calls answer {@code code}. */
    public void failNext(int n, int code) {
        failCode = code;
        failing.set(n);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every event received, in order of arrival. */
    public List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (Call c : calls) {
            c.body().path("items").forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] in;
            try (InputStream body = exchange.getRequestBody()) {
                in = body.readAllBytes();
            }
            if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                byte[] text = "audit receiver down".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(failCode, text.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
                return;
            }
            String subject = "";
            try {
                Certificate[] peer = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
                subject = ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException noClientCertificate) {
                // no certificate: subject stays ""
            }
            JsonNode body = Json.MAPPER.readTree(in);
            calls.add(new Call(exchange.getRequestHeaders().getFirst("Authorization"), subject, body));
            JsonNode reply = answer.apply(body);
            if (reply == null) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            byte[] out = Json.MAPPER.writeValueAsBytes(reply);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        }
    }
}

package dev.kapi.apiserver.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An admission webhook for tests: the JDK's HTTPS server on 127.0.0.1 in this JVM, with a certificate from a CA
 * made here (valid for 127.0.0.1 and the given DNS names). Each path answers with a {@link Handler}; every review
 * received is kept. {@link #close()} stops it and releases handlers that wait ({@link #hang()}).
 */
public final class AdmissionWebhookServer implements AutoCloseable {

    /** An HTTP answer. */
    public record Reply(int code, String contentType, byte[] body) {
    }

    /** Answers one AdmissionReview. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(ObjectNode review) throws Exception;
    }

    private final HttpsServer server;
    private final String caBundle;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> received = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Starts a webhook whose certificate is valid for 127.0.0.1 and {@code dnsNames}. */
    public AdmissionWebhookServer(String... dnsNames) throws Exception {
        Certificates.Issued ca = Certificates.selfSignedCa("admission-webhook-ca", Duration.ofHours(1));
        List<String> sans = new ArrayList<>(List.of("127.0.0.1"));
        sans.addAll(List.of(dnsNames));
        Certificates.Issued serving = Certificates.serving(ca, "admission-webhook", sans, Duration.ofHours(1));
        caBundle = WidgetWebhook.base64Pem(ca);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(Certificates.keyManagers(serving.key(), List.of(serving.certificate())), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    /** Answers requests to {@code path} with {@code handler}. */
    public AdmissionWebhookServer on(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    /** {@code https://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The CA of the serving certificate, as a {@code caBundle}. */
    public String caBundle() {
        return caBundle;
    }

    /** The reviews received at {@code path}, in order, each with the request's query under {@code "query"}. */
    public List<ObjectNode> reviews(String path) {
        return received.getOrDefault(path, List.of());
    }

    /** How many reviews arrived at {@code path}. */
    public int calls(String path) {
        return reviews(path).size();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] in;
            try (InputStream body = exchange.getRequestBody()) {
                in = body.readAllBytes();
            }
            ObjectNode review = Json.object(in);
            review.put("query", exchange.getRequestURI().getRawQuery());
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(review);
            Handler handler = handlers.get(path);
            Reply reply;
            try {
                reply = handler == null ? new Reply(404, "text/plain", "404 page not found".getBytes())
                        : handler.handle(review);
            } catch (Exception e) {
                reply = new Reply(500, "text/plain", e.toString().getBytes(StandardCharsets.UTF_8));
            }
            if (reply == null) {
                return; // hung up
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.code(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    // ---- answers ----

    /** A 200 AdmissionReview in the request's version with the request's uid and {@code response} merged in. */
    public static Reply answer(ObjectNode review, String response) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("apiVersion", review.path("apiVersion").asString());
        out.put("kind", "AdmissionReview");
        ObjectNode r = out.putObject("response");
        r.put("uid", review.path("request").path("uid").asString());
        JsonNode extra = Json.object(response.getBytes(StandardCharsets.UTF_8));
        r.setAll((ObjectNode) extra);
        return json(200, out);
    }

    public static Reply allow(ObjectNode review) {
        return answer(review, "{\"allowed\":true}");
    }

    /** Allowed, with a JSONPatch (the JSON text of the operations). */
    public static Reply patch(ObjectNode review, String jsonPatch) {
        return answer(review, "{\"allowed\":true,\"patchType\":\"JSONPatch\",\"patch\":\""
                + Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8)) + "\"}");
    }

    public static Reply json(int code, JsonNode body) {
        return new Reply(code, "application/json", Json.bytes(body));
    }

    public static Reply text(int code, String body) {
        return new Reply(code, "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    /** A handler that never answers (until the server closes): a timeout for the caller. */
    public Handler hang() {
        return review -> {
            closed.await(60, TimeUnit.SECONDS);
            return null;
        };
    }
}

package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Watches over WebSocket against a real TLS server with the JDK WebSocket client: one text message per
 * event, close at the timeout, subprotocols, client messages ignored, the watch closed when the client leaves,
 * Status errors before the upgrade, malformed handshakes refused, and the chunked stream for requests without
 * the upgrade.
 */
class WebSocketWatchTest extends WatchServerTestBase {

    @Test
    void eventsArriveAsOneTextMessageEach() throws Exception {
        String rv = list("app=ws-events");
        Messages messages = new Messages();
        WebSocket ws = open("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dws-events"
                + "&resourceVersion=" + rv, messages, List.of());
        assertThat(ws.getSubprotocol()).isEmpty();

        write("POST", "/api/v1/namespaces/default/configmaps", configMap("ws-a", "ws-events", "v1"));
        write("PATCH", "/api/v1/namespaces/default/configmaps/ws-a", "{\"data\":{\"k\":\"v2\"}}");
        write("DELETE", "/api/v1/namespaces/default/configmaps/ws-a", null);

        List<String> events = List.of(messages.next(), messages.next(), messages.next());
        assertThat(events).allSatisfy(m -> assertThat(m).endsWith("}\n"));
        assertThat(events).extracting(m -> typeAndData(Json.MAPPER.readTree(m)))
                .containsExactly("ADDED ws-a v1", "MODIFIED ws-a v2", "DELETED ws-a v2");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
        assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @ParameterizedTest(name = "client {0}")
    @ValueSource(strings = {"sends a close frame", "drops the connection"})
    void theWatchIsClosedWhenTheClientLeaves(String how) throws Exception {
        int before = openWatches();
        Messages messages = new Messages();
        WebSocket ws = open("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dws-leaves",
                messages, List.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() == before + 1);

        if (how.equals("sends a close frame")) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        } else {
            ws.abort();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() == before);
    }

    @Test
    void clientMessagesAreIgnored() throws Exception {
        String rv = list("app=ws-ignores");
        Messages messages = new Messages();
        WebSocket ws = open("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dws-ignores"
                + "&resourceVersion=" + rv, messages, List.of());
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        write("POST", "/api/v1/namespaces/default/configmaps", configMap("ws-ignores-a", "ws-ignores", "v1"));
        assertThat(typeAndData(Json.MAPPER.readTree(messages.next()))).isEqualTo("ADDED ws-ignores-a v1");
        assertThat(messages.closed).isNotDone();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
    }

    /** Headers separated by ";", the expected status and a header or body text the response must have. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Sec-WebSocket-Version: 8;Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ== | 426 | Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==                          | 426 | Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Version: 13                                            | 400 | missing Sec-WebSocket-Key"})
    void malformedHandshakesAreRefused(String headers, int code, String line) throws Exception {
        int before = openWatches();
        String raw = rawRequest("/api/v1/namespaces/default/configmaps?watch=true",
                "Upgrade: websocket\r\nConnection: Upgrade, close\r\n" + headers.replace(";", "\r\n") + "\r\n");
        assertThat(raw).startsWith("HTTP/1.1 " + code + " ").contains(line);
        await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() == before);
    }

    @Test
    void initialStateThenNormalCloseAtTheTimeout() throws Exception {
        write("POST", "/api/v1/namespaces/default/configmaps", configMap("ws-initial", "ws-initial", "v1"));
        Messages messages = new Messages();
        open("/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dws-initial&timeoutSeconds=1",
                messages, List.of());
        assertThat(typeAndData(Json.MAPPER.readTree(messages.next()))).isEqualTo("ADDED ws-initial v1");
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @ParameterizedTest
    @CsvSource({"base64.binary.k8s.io, base64.binary.k8s.io", "binary.k8s.io, binary.k8s.io"})
    void theOfferedSubprotocolIsAccepted(String offered, String accepted) throws Exception {
        Messages messages = new Messages();
        WebSocket ws = open("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5",
                messages, List.of(offered));
        assertThat(ws.getSubprotocol()).isEqualTo(accepted);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "resourceVersionMatch=NotOlderThan | 422 | resourceVersionMatch is forbidden for watch",
            "timeoutSeconds=x | 400 | strconv.ParseInt: parsing \"x\": invalid syntax",
            "resourceVersion=999999999&sendInitialEvents=true&allowWatchBookmarks=true"
                    + "&resourceVersionMatch=NotOlderThan | 504 | Too large resource version"})
    void errorsBeforeTheUpgradeArePlainStatusResponses(String query, int code, String message) throws Exception {
        Throwable error = catchThrowable(() -> open("/api/v1/namespaces/default/configmaps?watch=true&" + query,
                new Messages(), List.of()));
        assertThat(error).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) error.getCause()).getResponse().statusCode()).isEqualTo(code);

        String raw = rawUpgradeRequest("/api/v1/namespaces/default/configmaps?watch=true&" + query);
        assertThat(raw).startsWith("HTTP/1.1 " + code + " ");
        JsonNode status = Json.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("message").asString()).contains(message);
    }

    @Test
    void withoutTheUpgradeTheWatchIsAChunkedStream() throws Exception {
        write("POST", "/api/v1/namespaces/default/configmaps", configMap("ws-chunked", "ws-chunked", "v1"));
        HttpResponse<java.util.stream.Stream<String>> res = admin.send(HttpRequest.newBuilder(uri("https",
                "/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dws-chunked&timeoutSeconds=1"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.body().map(l -> typeAndData(Json.MAPPER.readTree(l))).toList())
                .containsExactly("ADDED ws-chunked v1");
    }

    /** Collects whole text messages and the close code. */
    static final class Messages implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
            received.add("binary frame");
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = received.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10s").isNotNull();
            return m;
        }
    }

    private WebSocket open(String path, Messages listener, List<String> subprotocols) {
        WebSocket.Builder builder = admin.newWebSocketBuilder();
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(), subprotocols.subList(1, subprotocols.size())
                    .toArray(String[]::new));
        }
        return builder.buildAsync(uri("wss", path), listener).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** A WebSocket upgrade request written by hand, so the whole response (body included) can be read. */
    private String rawUpgradeRequest(String path) throws Exception {
        // "close" too, so the server ends the connection after an error response
        return rawRequest(path, "Upgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    }

    /** A GET with {@code headers} (each ending CRLF) written by hand; the whole response, chunked body joined. */
    private String rawRequest(String path, String headers) throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(),
                TlsClients.clientCert(ca, "system:admin", "system:masters"));
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return dechunk(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The response with a chunked body joined back into one. */
    private static String dechunk(String response) {
        int bodyAt = response.indexOf("\r\n\r\n") + 4;
        String head = response.substring(0, bodyAt);
        if (!head.toLowerCase().contains("transfer-encoding: chunked")) {
            return response;
        }
        StringBuilder body = new StringBuilder();
        int at = bodyAt;
        while (true) {
            int eol = response.indexOf("\r\n", at);
            int size = Integer.parseInt(response.substring(at, eol).trim(), 16);
            if (size == 0) {
                return head + body;
            }
            body.append(response, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}

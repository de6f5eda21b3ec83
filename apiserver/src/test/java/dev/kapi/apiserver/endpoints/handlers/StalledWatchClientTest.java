package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch of large objects whose client stops reading is ended (its connection closed) once a write made
 * no progress for the write-progress timeout (1 s here), not at the {@code timeoutSeconds} the client
 * chose; a client that reads gets every large event, in order, under the same timeout.
 */
class StalledWatchClientTest extends WatchServerTestBase {

    private static final int LARGE = 900_000;

    @BeforeEach
    void shortTimeout() {
        WatchPump.writeProgressTimeout = Duration.ofSeconds(1);
    }

    @AfterEach
    void restoreTimeout() throws Exception {
        WatchPump.writeProgressTimeout = WatchPump.WRITE_PROGRESS_TIMEOUT;
        write("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dstall-test", null);
    }

    @Test
    void aClientThatStopsReadingHasItsWatchEndedAfterTheWriteProgressTimeout() throws Exception {
        createLarge("stalled", 16); // far more than the socket buffers hold
        int before = openWatches();
        try (SSLSocket s = unreadSocket()) {
            s.getOutputStream().write(("GET /api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0"
                    + "&timeoutSeconds=3600&labelSelector=app%3Dstall-test HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long opened = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() > before);

            // nothing is read: the server's write stalls, and the watch ends long before its hour
            await().atMost(Duration.ofSeconds(15)).until(() -> openWatches() == before);
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

            long received = drain(s.getInputStream());
            assertThat(received).as("the connection closed before the client had everything")
                    .isLessThan(16L * LARGE);
        }
    }

    @Test
    void aClientThatReadsGetsEveryLargeEventInOrder() throws Exception {
        createLarge("reading", 6);
        HttpResponse<java.util.stream.Stream<String>> res = admin.send(HttpRequest.newBuilder(uri("https",
                        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&timeoutSeconds=3"
                                + "&labelSelector=app%3Dstall-test")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> events = res.body().map(line -> {
            var event = Json.MAPPER.readTree(line);
            return event.path("type").asString() + " " + event.path("object").path("metadata").path("name").asString()
                    + " " + event.path("object").path("data").path("k").asString().length();
        }).toList();
        assertThat(events).containsExactlyElementsOf(
                IntStream.range(0, 6).mapToObj(i -> "ADDED reading-" + i + " " + LARGE).toList());
    }

    private void createLarge(String prefix, int count) throws Exception {
        String value = "x".repeat(LARGE);
        for (int i = 0; i < count; i++) {
            write("POST", "/api/v1/namespaces/default/configmaps", configMap(prefix + "-" + i, "stall-test", value));
        }
    }

    /** A TLS socket to the server with a small receive buffer, whose client will read nothing for now. */
    private SSLSocket unreadSocket() throws IOException {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket();
        socket.setReceiveBufferSize(8192);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** Reads what the server sent before it closed the connection; the bytes read. */
    private static long drain(InputStream in) {
        long total = 0;
        byte[] buf = new byte[65536];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException e) {
            // reset by the server: closed too
        }
        return total;
    }
}

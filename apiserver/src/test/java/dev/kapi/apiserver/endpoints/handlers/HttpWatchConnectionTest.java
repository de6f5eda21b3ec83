package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection under a chunked HTTP watch: a client that closes an idle watch frees it at once (nothing
 * is written to notice it); a silent watch outlives the connection idle timeout (1 s here), which only
 * closes idle keep-alive connections; every event arrives as a complete chunk; the end of a watch ends the
 * chunked body and closes the connection.
 */
@TestPropertySource(properties = "server.jetty.connection-idle-timeout=1s")
class HttpWatchConnectionTest extends WatchServerTestBase {

    @Test
    void aClientLeavingAnIdleWatchFreesItWithoutAWrite() throws Exception {
        int before = openWatches();
        List<SSLSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                SSLSocket s = openWatch("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dnone");
                sockets.add(s);
                assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200")
                        .containsIgnoringCase("transfer-encoding: chunked");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() == before + 5);
        } finally {
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openWatches() == before);
    }

    @Test
    void aSilentWatchOutlivesTheConnectionIdleTimeout() throws Exception {
        String rv = list("app=http-idle");
        try (SSLSocket s = openWatch("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dhttp-idle"
                + "&resourceVersion=" + rv)) {
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
            Thread.sleep(2_500);
            write("POST", "/api/v1/namespaces/default/configmaps", configMap("http-idle-a", "http-idle", "v1"));
            // the chunk is complete (its closing CRLF sent with it), not only its data
            String chunk = readUntil(s.getInputStream(), "}\n\r\n");
            assertThat(chunk).contains("\"type\":\"ADDED\"").contains("\"name\":\"http-idle-a\"");
        }
    }

    @Test
    void aWatchThatTimesOutEndsItsChunkedBodyAndTheConnection() throws Exception {
        try (SSLSocket s = openWatch("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dnone&timeoutSeconds=1")) {
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
            assertThat(readUntil(s.getInputStream(), "0\r\n\r\n")).isEqualTo("0\r\n\r\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    private SSLSocket openWatch(String path) throws IOException {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        return readUntil(in, "\r\n\r\n");
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream ended after: " + buf.toString(StandardCharsets.UTF_8));
            }
            buf.write(b);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}

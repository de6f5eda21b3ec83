package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refused request leaves on the connection (the shared watch-test server is just a real TLS server
 * here): a body the answer did not need is read and dropped so the connection stays usable, a body too large
 * to keep still lets the client read its 413, and malformed HTTP gets Go's plain-text 400; and, the server being
 * AlwaysAllow, a request without credentials is refused, as kube refuses it.
 */
class RefusedRequestWireTest extends WatchServerTestBase {

    @Test
    void theNextRequestOnTheConnectionIsAnsweredAfterAnErrorThatIgnoredTheBody() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        byte[] body = configMap("unread", "unread", "v").getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the server answers from the headers; the body comes later
            out.write(body);
            out.write("GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 405").contains("\"reason\":\"MethodNotAllowed\"")
                    .doesNotContainIgnoringCase("connection: close");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("\"kind\":\"ConfigMapList\"");
        }
    }

    @Test
    void aBodyOverTheLimitIsAnsweredWith413EveryTime() throws Exception {
        // refused from Content-Length before a byte is read; the client is still sending when the answer comes
        String huge = "{\"metadata\":{\"name\":\"huge\"},\"data\":{\"k\":\"" + "a".repeat(4 * 1024 * 1024) + "\"}}";
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = admin.send(HttpRequest.newBuilder(uri("https",
                            "/api/v1/namespaces/default/configmaps")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(huge)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(413);
            assertThat(res.body()).contains("\"reason\":\"RequestEntityTooLarge\"");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "GET|Bad\u0001Header: y", "GET|No colon here", "GET|X: a\u0000b", "PUT|Bad\u0001Header: y",
            "DELETE|No colon here", "PATCH|X: a\u0000b"})
    void malformedHttpIsAPlainText400AsGoAnswersIt(String method, String badHeader) throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " /version HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n" + badHeader
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: text/plain; charset=utf-8")
                    .containsIgnoringCase("connection: close").contains("\r\n\r\n400 Bad Request")
                    .doesNotContain("<");
        }
    }

    @Test
    void anOversizedBodyGets413WithConnectionCloseAndTheConnectionEndsThoughTheClientStalls() throws Exception {
        assertThat(dev.kapi.apiserver.filters.UnreadBodyFilter.API_BODY_LIMIT).isEqualTo(BodyReader.MAX_BODY_BYTES);
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + (64 * 1024 * 1024)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[300 * 1024]); // past what is drained to keep the connection, then silence
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
            assertThat(in.read()).as("the server ends its side (and lingers reading)").isEqualTo(-1);
        }
    }

    /**
     * A body the answer did not need that trickles in (a byte every 200 ms) is drained for five seconds at most,
     * then the connection ends: before, such a client held its connection for as long as it liked.
     */
    @Test
    void aTricklingBodyTheAnswerDidNotNeedEndsItsConnection() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        var ssl = TlsClients.sslContext(ca.certificate(), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException ended) {
                    // the server closed the connection
                }
            });
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 4");
            long answered = System.nanoTime();
            assertThat(in.read()).as("the server ends the connection").isEqualTo(-1);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - answered))
                    .isLessThan(java.time.Duration.ofSeconds(12));
            trickle.interrupt();
        }
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = Integer.parseInt(h.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
    /** The shared server runs AlwaysAllow: as kube, it then refuses requests without credentials (no anonymous user). */
    @Test
    void underAlwaysAllowARequestWithoutCredentialsIsRefused() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        java.net.http.HttpClient anonymous = TlsClients.httpClient(ca.certificate(), null);
        for (String path : new String[] {"/api/v1/namespaces/default/secrets", "/version", "/livez", "/api"}) {
            HttpResponse<String> res = anonymous.send(HttpRequest.newBuilder(uri("https", path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(path).isEqualTo(401);
            assertThat(res.body()).as(path).doesNotContain("\"items\"").doesNotContain("gitVersion");
        }
        HttpResponse<String> admin = this.admin.send(HttpRequest.newBuilder(uri("https", "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(admin.statusCode()).isEqualTo(200);
    }
}

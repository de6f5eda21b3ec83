package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --max-mutating-requests-inflight=2} on a real server: two creates whose bodies arrive slowly hold both
 * slots; then every other user's write is refused 429 with {@code Retry-After: 1} and kube's message (before
 * authorization, as kube: even one RBAC would refuse), while a probe of {@code /readyz}, a read and a
 * {@code system:masters} write are served; once the slow writes finish, they are stored and writes go through.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MaxInFlightServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-inflight");
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("max-mutating-requests-inflight", () -> "2");
        registry.add("max-requests-inflight", () -> "0");
    }

    @LocalServerPort
    int port;

    @Test
    void overTheLimitIs429WithRetryAfterWhileProbesReadsAndMastersGetThrough() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        Certificates.Issued adminCert = TlsClients.clientCert(ca, "system:admin", "system:masters");
        HttpClient admin = TlsClients.httpClient(ca.certificate(), adminCert);
        HttpClient mallory = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "mallory", "team"));
        HttpClient anonymous = TlsClients.httpClient(ca.certificate(), null);

        List<SlowWrite> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(SlowWrite.start(TlsClients.sslContext(ca.certificate(), adminCert).getSocketFactory()
                    .createSocket("localhost", port), port, configMap("slow-" + i)));
        }
        // both slow writes are in the handler, reading their bodies (the admin's own reads are not counted)
        Pattern twoMutating = Pattern.compile(
                "apiserver_current_inflight_requests\\{[^}]*request_kind=\"mutating\"[^}]*} 2(\\.0)?\\b");
        await().atMost(Duration.ofSeconds(10)).until(() -> twoMutating
                .matcher(send(admin, HttpRequest.newBuilder(uri("/metrics"))).body()).find());

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = send(mallory, post(configMap("flood-" + i)));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode status = Json.MAPPER.readTree(refused.body());
            assertThat(status.path("kind").asString()).isEqualTo("Status");
            assertThat(status.path("reason").asString()).isEqualTo("TooManyRequests");
            assertThat(status.path("message").asString()).isEqualTo("Too many requests, please try again later.");
            assertThat(status.path("code").asInt()).isEqualTo(429);
        }
        assertThat(send(anonymous, HttpRequest.newBuilder(uri("/readyz"))).statusCode()).isEqualTo(200);
        assertThat(send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS))).statusCode()).isEqualTo(200);
        HttpResponse<String> masters = send(admin, post(configMap("by-admin")));
        assertThat(masters.statusCode()).as(masters.body()).isEqualTo(201);

        for (SlowWrite w : slow) {
            assertThat(w.finish()).startsWith("HTTP/1.1 201");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS + "/slow-" + i))).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> afterwards = send(mallory, post(configMap("after")));
        assertThat(afterwards.statusCode()).as("RBAC decides again once slots are free").isEqualTo(403);
        String metrics = send(admin, HttpRequest.newBuilder(uri("/metrics"))).body();
        assertThat(metrics).contains("apiserver_request_terminations_total{code=\"429\",component=\"apiserver\","
                + "dry_run=\"\",group=\"\",resource=\"configmaps\",scope=\"resource\",subresource=\"\",verb=\"POST\","
                + "version=\"v1\"} 5.0");
    }

    /** A create whose headers and first body byte are sent at once and the rest only when asked. */
    record SlowWrite(java.net.Socket socket, byte[] body) {
        static SlowWrite start(java.net.Socket socket, int port, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ((SSLSocket) socket).startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + CONFIGMAPS + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: "
                    + "application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 1);
            out.flush();
            return new SlowWrite(socket, body);
        }

        String finish() throws IOException {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(body, 1, body.length - 1);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            socket.close();
            return answer;
        }
    }

    private static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}";
    }

    private HttpRequest.Builder post(String json) {
        return HttpRequest.newBuilder(uri(CONFIGMAPS)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

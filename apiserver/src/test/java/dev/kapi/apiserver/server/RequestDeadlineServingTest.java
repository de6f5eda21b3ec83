package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request deadlines on a real server: a create whose body does not arrive within its {@code timeout} gets kube's
 * 504 at the deadline and its connection ends soon after, and it is never stored; a {@code timeout} that is no duration is
 * kube's 400, even before authentication; a watch's {@code timeout} does not cut it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestDeadlineServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-deadline");
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void aCreateWhoseBodyIsLateGets504AtItsDeadlineAndIsNeverStored() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        Certificates.Issued adminCert = TlsClients.clientCert(ca, "system:admin", "system:masters");
        byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"late\"}}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = TlsClients.sslContext(ca.certificate(), adminCert).getSocketFactory()
                .createSocket("localhost", port)) {
            ((SSLSocket) socket).startHandshake();
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + CONFIGMAPS + "?timeout=1s HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 1);
            out.flush();
            long start = System.nanoTime();
            String head = readHead(socket.getInputStream());
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(head).startsWith("HTTP/1.1 504");
            assertThat(head).containsIgnoringCase("Connection: close");
            assertThat(waited).isBetween(900L, 10_000L);
            // the server ends the connection soon after (the handler waiting for the body, and its in-flight
            // slot, are freed), though the client neither sends more nor closes
            long answered = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] rest = new byte[8192];
            int n;
            do {
                n = in.read(rest);
            } while (n >= 0);
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(Duration.ofSeconds(8));
        }
        HttpClient admin = TlsClients.httpClient(ca.certificate(), adminCert);
        Thread.sleep(500);
        assertThat(send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS + "/late"))).statusCode()).isEqualTo(404);
        HttpResponse<String> created = send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS + "?timeout=30s"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /**
     * A webhook under failurePolicy Ignore that the deadline cut short is not a way around admission: the write is
     * refused once the deadline has passed (kube's storage call fails on the request's ended context). Before,
     * with {@code timeout=1s} and a slow first webhook, the denying one was skipped and the object stored.
     */
    @Test
    void aWriteWhoseDeadlinePassedInAdmissionIsNeverStored() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient admin = TlsClients.httpClient(ca.certificate(),
                TlsClients.clientCert(ca, "system:admin", "system:masters"));
        try (AdmissionWebhookServer hooks = new AdmissionWebhookServer()) {
            hooks.on("/deny", r -> AdmissionWebhookServer.answer(r,
                    "{\"allowed\":false,\"status\":{\"code\":403,\"message\":\"policy says no\"}}"));
            hooks.on("/slow", hooks.hang());
            String rules = "\"rules\":[{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"operations\":[\"CREATE\"],"
                    + "\"resources\":[\"configmaps\"]}],\"objectSelector\":{\"matchLabels\":{\"guarded\":\"yes\"}},"
                    + "\"sideEffects\":\"None\",\"admissionReviewVersions\":[\"v1\"],\"failurePolicy\":\"Ignore\"";
            assertThat(post(admin, "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
                    "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"ValidatingWebhookConfiguration\","
                            + "\"metadata\":{\"name\":\"deny\"},\"webhooks\":[{\"name\":\"deny.example.com\","
                            + "\"clientConfig\":{\"url\":\"" + hooks.url("/deny") + "\",\"caBundle\":\""
                            + hooks.caBundle() + "\"}," + rules + "}]}").statusCode()).isEqualTo(201);
            // the policy is in force (webhook configurations reach admission within moments)
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    post(admin, CONFIGMAPS, guarded("probe-" + System.nanoTime())).statusCode() == 403);
            assertThat(post(admin, "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                    "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"MutatingWebhookConfiguration\","
                            + "\"metadata\":{\"name\":\"slow\"},\"webhooks\":[{\"name\":\"slow.example.com\","
                            + "\"timeoutSeconds\":10,\"clientConfig\":{\"url\":\"" + hooks.url("/slow")
                            + "\",\"caBundle\":\"" + hooks.caBundle() + "\"}," + rules + "}]}").statusCode())
                    .isEqualTo(201);
            Thread.sleep(2000); // the slow webhook is in force too
            HttpResponse<String> timedOut = post(admin, CONFIGMAPS + "?timeout=1s", guarded("through"));
            assertThat(timedOut.statusCode()).as(timedOut.body()).isEqualTo(504);
            Thread.sleep(1500);
            assertThat(send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS + "/through"))).statusCode())
                    .as("never stored").isEqualTo(404);
            send(admin, HttpRequest.newBuilder(uri("/apis/admissionregistration.k8s.io/v1/"
                    + "mutatingwebhookconfigurations/slow")).DELETE());
            send(admin, HttpRequest.newBuilder(uri("/apis/admissionregistration.k8s.io/v1/"
                    + "validatingwebhookconfigurations/deny")).DELETE());
        }
    }

    private static String guarded(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"guarded\":\"yes\"}}}";
    }

    private HttpResponse<String> post(HttpClient client, String path, String json) throws Exception {
        return send(client, HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void aTimeoutThatIsNoDurationIsKubes400EvenAnonymously() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient anonymous = TlsClients.httpClient(ca.certificate(), null);
        HttpResponse<String> bad = send(anonymous, HttpRequest.newBuilder(uri(CONFIGMAPS + "?timeout=10")));
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode status = Json.MAPPER.readTree(bad.body());
        assertThat(status.path("message").asString()).isEqualTo(
                "invalid timeout specified in the request URL - time: missing unit in duration \"10\"");
    }

    @Test
    void aWatchIsNotCutByATimeout() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient admin = TlsClients.httpClient(ca.certificate(),
                TlsClients.clientCert(ca, "system:admin", "system:masters"));
        long start = System.nanoTime();
        HttpResponse<String> watch = send(admin, HttpRequest.newBuilder(
                uri(CONFIGMAPS + "?watch=true&timeout=200ms&timeoutSeconds=2")));
        assertThat(watch.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

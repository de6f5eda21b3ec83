package dev.kapi.apiserver.server;

import dev.kapi.apiserver.audit.WebhookSender;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit webhook's kubeconfig read as client-go reads it, and the webhook called as kube calls it: the CA and a
 * client certificate from files named relative to the kubeconfig, inline data, a bearer token (its file read for
 * each call), basic auth, an EventList per call, five tries with growing waits, failures in client-go's words, and
 * what Kapi cannot do refused at start instead of ignored.
 */
class WebhookKubeconfigTest {

    @TempDir
    Path dir;
    final WebhookReceiver receiver;

    WebhookKubeconfigTest() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    static List<byte[]> events(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> ("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
                + "\"auditID\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).toList();
    }

    WebhookSender sender(Path kubeconfig, Duration backoff) throws IOException {
        return new WebhookSender(WebhookKubeconfig.read(kubeconfig), backoff);
    }

    @Test
    void postsOneEventListWithTheClientCertificateFromFilesBesideTheKubeconfig() throws Exception {
        Path conf = receiver.kubeconfig(dir, receiver.clientCertificateUser(dir, "kapi-audit"));
        sender(conf, Duration.ofMillis(10)).send(events("a", "b"));
        assertThat(receiver.calls()).singleElement().satisfies(c -> {
            assertThat(c.clientSubject()).isEqualTo("CN=kapi-audit");
            assertThat(c.authorization()).isNull();
            assertThat(c.body().path("kind").asString()).isEqualTo("EventList");
            assertThat(c.body().path("apiVersion").asString()).isEqualTo("audit.k8s.io/v1");
            assertThat(c.body().path("items").findValuesAsString("auditID")).containsExactly("a", "b");
        });
    }

    @Test
    void aTokenFileIsReadForEachCall() throws Exception {
        Files.writeString(dir.resolve("token"), "first-token\n");
        WebhookSender sender = sender(receiver.kubeconfig(dir, "      tokenFile: token"), Duration.ofMillis(10));
        sender.send(events("a"));
        Files.writeString(dir.resolve("token"), "second-token");
        sender.send(events("b"));
        assertThat(receiver.calls()).extracting(WebhookReceiver.Call::authorization)
                .containsExactly("Bearer first-token", "Bearer second-token");
    }

    @Test
    void inlineDataAndBasicAuth() throws Exception {
        String ca = b64(Pem.certificates(List.of(receiver.ca().certificate())));
        Path conf = write("""
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s", certificate-authority-data: %s}
                users:
                - name: u
                  user: {username: alice, password: "s3cret"}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(receiver.url(), ca));
        sender(conf, Duration.ofMillis(10)).send(events("a"));
        assertThat(receiver.calls()).singleElement().extracting(WebhookReceiver.Call::authorization)
                .isEqualTo("Basic " + b64("alice:s3cret"));
    }

    @Test
    void aFailureIsTriedFiveTimesWithGrowingWaitsThenReported() throws Exception {
        WebhookSender sender = sender(receiver.kubeconfig(dir, "      token: t"), Duration.ofMillis(40));
        receiver.failNext(2, 500);
        long start = System.nanoTime();
        sender.send(events("a"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("40 ms, then 60 ms").isGreaterThanOrEqualTo(
                Duration.ofMillis(100));
        assertThat(receiver.events()).hasSize(1);

        receiver.failNext(5, 503);
        start = System.nanoTime();
        assertThatThrownBy(() -> sender.send(events("b"))).isInstanceOf(IOException.class)
                .hasMessage("the server is currently unable to handle the request");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("40 + 60 + 90 + 135 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(325));
        receiver.failNext(0, 200);
        assertThat(receiver.events()).hasSize(1);
    }

    @Test
    void transportFailuresReadAsClientGos() throws Exception {
        Path conf = write("""
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1/audit", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
        assertThatThrownBy(() -> sender(conf, Duration.ofMillis(1)).send(events("a")))
                .hasMessage("Post \"https://127.0.0.1:1/audit\": dial tcp 127.0.0.1:1: connect: connection refused");

        Certificates.Issued otherCa = Certificates.selfSignedCa("other", Duration.ofHours(1));
        Path untrusted = write("""
                clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s}}]
                users: [{name: u, user: {}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(receiver.url(), b64(Pem.certificates(List.of(otherCa.certificate())))));
        assertThatThrownBy(() -> sender(untrusted, Duration.ofMillis(1)).send(events("a")))
                .hasMessageContaining("x509: certificate signed by unknown authority");
        assertThat(receiver.calls()).isEmpty();

        Path insecure = write("""
                clusters: [{name: c, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(receiver.url()));
        sender(insecure, Duration.ofMillis(1)).send(events("a"));
        assertThat(receiver.calls()).hasSize(1);
    }

    @Test
    void whatKapiCannotDoIsRefusedAtStart() throws Exception {
        String cluster = "clusters: [{name: c, cluster: {server: \"" + receiver.url() + "\"}}]\n";
        String context = "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n";
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster + context
                + "users: [{name: u, user: {exec: {command: get-token}}}]\n")))
                .hasMessage("invalid configuration: the user's exec credentials are not supported by Kapi");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster + context
                + "users: [{name: u, user: {token: t, username: a, password: b}}]\n")))
                .hasMessageContaining("more than one authentication method found");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster
                + "users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n")))
                .hasMessage("invalid configuration: cluster has no server defined (no current-context is set)");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster
                + "users: [{name: u, user: {}}]\ncurrent-context: y\n")))
                .hasMessage("invalid configuration: context was not found for specified context: y");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(
                "clusters: [{name: c, cluster: {server: \"https://x\", insecure-skip-tls-verify: true, "
                        + "certificate-authority: ca.crt}}]\n" + context + "users: [{name: u, user: {}}]\n")))
                .hasMessage("invalid configuration: specifying a root certificates file with the insecure flag is "
                        + "not allowed");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster + context
                + "users: [{name: u, user: {client-certificate: missing.crt}}]\n")))
                .hasMessageContaining("client-key-data or client-key must be specified");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster + context
                + "users: [{name: u, user: {tokenFile: missing-token}}]\n")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void errorsNeverQuoteTheFileAndTheTokenFileWinsOverTheToken() throws Exception {
        assertThatThrownBy(() -> WebhookKubeconfig.read(write("users: [{name: u, user: {token: s3cr3t-T0KEN: [}}]\n")))
                .hasMessageStartingWith("error converting YAML to JSON: the kubeconfig is not valid YAML (line ")
                .message().doesNotContain("s3cr3t");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write("""
                clusters: [{name: c, cluster: {server: "https://bob:pa55word@127.0.0.1:1/audit"}}]
                users: [{name: u, user: {}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """))).hasMessage("invalid configuration: a server URL with a user and password is not supported by "
                + "Kapi (give the user's username and password)");
        String cluster = "clusters: [{name: c, cluster: {server: \"" + receiver.url() + "\", certificate-authority-data: "
                + b64(Pem.certificates(List.of(receiver.ca().certificate()))) + "}}]\n";
        String context = "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n";
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster + context
                + "users: [{name: u, user: {token: t, as: admin}}]\n")))
                .hasMessage("invalid configuration: impersonation (as) is not supported by Kapi");
        assertThatThrownBy(() -> WebhookKubeconfig.read(write(cluster.replace("certificate-authority-data:",
                "certificate-authority: ca.crt, certificate-authority-data:") + context + "users: [{name: u, user: {}}]\n")))
                .hasMessage("invalid configuration: certificate-authority-data and certificate-authority are both "
                        + "specified; give one");
        Files.writeString(dir.resolve("token-file"), "from-the-file");
        sender(write(cluster + context + "users: [{name: u, user: {token: inline, tokenFile: token-file}}]\n"),
                Duration.ofMillis(1)).send(events("a"));
        assertThat(receiver.calls()).singleElement().extracting(WebhookReceiver.Call::authorization)
                .isEqualTo("Bearer from-the-file");
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "kubeconfig", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleKubeconfigIsReadAsWritten() throws Exception {
        Path example = Path.of("../config/webhook-kubeconfig.yaml");
        Files.copy(example, dir.resolve("webhook.kubeconfig"));
        Certificates.Issued client = receiver.client("kapi");
        Files.writeString(dir.resolve("webhook-ca.crt"), Pem.certificates(List.of(receiver.ca().certificate())));
        Files.writeString(dir.resolve("kapi-client.crt"), Pem.certificates(List.of(client.certificate())));
        Files.writeString(dir.resolve("kapi-client.key"), Pem.privateKey(client.key()));
        dev.kapi.apiserver.webhook.WebhookTarget target = WebhookKubeconfig.read(dir.resolve("webhook.kubeconfig"));
        assertThat(target.uri()).hasToString("https://authn.example.com:8443/authenticate");
        assertThat(target.headers().get()).isEmpty();
        // pointed at the test receiver, the same file's certificate and CA work
        Files.writeString(dir.resolve("webhook.kubeconfig"), Files.readString(example)
                .replace("https://authn.example.com:8443/authenticate", receiver.url()));
        sender(dir.resolve("webhook.kubeconfig"), Duration.ofMillis(10)).send(events("x"));
        assertThat(receiver.calls()).singleElement().satisfies(c -> assertThat(c.clientSubject()).isEqualTo("CN=kapi"));
    }
}

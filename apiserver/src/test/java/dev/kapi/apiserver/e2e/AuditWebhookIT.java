package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.testing.WebhookReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The server started with the example policy and {@code --audit-webhook-config-file} (a kubeconfig with a client
 * certificate and the webhook's CA as files): kubectl's operations reach the webhook as EventLists, in batches,
 * the same events as the log beside it (kube's union of backends), and those still queued when the server stops
 * are sent before it exits. In {@code blocking-strict} mode a webhook that cannot be reached fails the request with
 * kube's 500, counted in kube's {@code apiserver_audit_*} metrics; a kubeconfig that cannot be read stops the server with one line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuditWebhookIT {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static Path dir(String name) throws IOException {
        return Files.createDirectories(KapiServerExtension.e2eDir().resolve(name + "-" + System.nanoTime()));
    }

    @Test
    void kubectlsOperationsReachTheWebhookInBatchesAndTheStopSendsWhatIsQueued() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        open.add(receiver);
        Path dir = dir("audit-webhook");
        Path conf = receiver.kubeconfig(dir.resolve("webhook"),
                receiver.clientCertificateUser(dir.resolve("webhook"), "kapi-audit"));
        Path log = dir.resolve("audit.log");
        KapiServer server = KapiServer.start("audit-webhook", dir.resolve("data"), List.of(
                "--audit-policy-file=" + AuditIT.examplePolicy(), "--audit-log-path=" + log,
                "--audit-webhook-config-file=" + conf, "--audit-webhook-batch-max-size=2",
                "--audit-webhook-batch-max-wait=1h"));
        open.add(server);
        Kubectl kubectl = Kubectl.named("kubectl").withKubeconfig(server.kubeconfig());
        for (String[] args : List.of(new String[]{"create", "namespace", "hooked"},
                new String[]{"-n", "hooked", "create", "configmap", "c1", "--from-literal=a=b"},
                new String[]{"-n", "hooked", "get", "configmap", "c1"},
                new String[]{"-n", "hooked", "delete", "configmap", "c1"})) {
            Kubectl.Result r = kubectl.run(args);
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        // a request's last event is written just after its answer: let the last ones land
        Thread.sleep(1000);
        if (Files.readAllLines(log).size() % 2 == 0) { // one more event, so that one is still queued at the stop
            assertThat(server.admin().get("/api/v1/namespaces/hooked/configmaps/c1").code()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(log).size() % 2 == 1);
        }
        int logged = Files.readAllLines(log).size();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.events().size() == logged - 1);
        assertThat(receiver.calls()).allSatisfy(c -> {
            assertThat(c.clientSubject()).isEqualTo("CN=kapi-audit");
            assertThat(c.body().path("kind").asString()).isEqualTo("EventList");
            assertThat(c.body().path("apiVersion").asString()).isEqualTo("audit.k8s.io/v1");
            assertThat(c.body().path("items").size()).as("full batches only while the server runs").isEqualTo(2);
        });

        server.close();
        List<JsonNode> lines = Files.readAllLines(log).stream().map(Json.MAPPER::readTree).toList();
        List<JsonNode> received = receiver.events();
        assertThat(lines).hasSize(logged);
        assertThat(keys(received)).as("every logged event was sent, the last one at the stop")
                .isEqualTo(keys(lines)).hasSize(received.size());
        JsonNode create = received.stream().filter(e -> e.path("verb").asString().equals("create")
                && e.path("objectRef").path("resource").asString().equals("configmaps")
                && e.path("stage").asString().equals("ResponseComplete")).findFirst().orElseThrow();
        assertThat(create.path("objectRef").path("name").asString()).isEqualTo("c1");
        assertThat(create.path("user").path("username").asString()).isEqualTo("system:admin");
        assertThat(create.path("responseStatus").path("code").asInt()).isEqualTo(201);
    }

    @Test
    void inBlockingStrictModeAWebhookThatCannotBeReachedFailsTheRequest() throws Exception {
        Path dir = dir("audit-webhook-strict");
        Path conf = unreachableWebhook(dir);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                - level: Metadata
                  resources: [{group: "", resources: [configmaps]}]
                """);
        KapiServer server = KapiServer.start("audit-webhook-strict", dir.resolve("data"), List.of(
                "--audit-policy-file=" + policy, "--audit-webhook-config-file=" + conf,
                "--audit-webhook-mode=blocking-strict", "--audit-webhook-initial-backoff=1ms"));
        open.add(server);
        KubeHttp.Reply refused = server.admin().get("/api/v1/namespaces/default/configmaps");
        assertThat(refused.code()).isEqualTo(500);
        assertThat(refused.body()).contains("failed to store audit event");
        assertThat(server.admin().get("/api/v1/namespaces/default/secrets").code())
                .as("a request the policy does not record").isEqualTo(200);
        String metrics = server.admin().get("/metrics").body();
        assertThat(metrics).contains("apiserver_audit_requests_rejected_total 1.0",
                "apiserver_audit_error_total{plugin=\"webhook\"} 1.0", "apiserver_audit_level_total{level=\"None\"}",
                "apiserver_audit_level_total{level=\"Metadata\"} 1.0", "apiserver_audit_event_total 1.0");
    }

    /** A batch waiting to be tried again (kube's 10 s backoff) does not hold the stop past the server's own limit. */
    @Test
    void aWebhookThatCannotBeReachedDoesNotHoldTheStop() throws Exception {
        Path dir = dir("audit-webhook-down");
        Path conf = unreachableWebhook(dir);
        KapiServer server = KapiServer.start("audit-webhook-down", dir.resolve("data"), List.of(
                "--audit-policy-file=" + AuditIT.examplePolicy(), "--audit-webhook-config-file=" + conf,
                "--audit-webhook-batch-max-wait=100ms"));
        open.add(server);
        assertThat(server.admin().get("/api/v1/namespaces/default/configmaps").code()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.admin().get("/metrics").body()
                .contains("apiserver_audit_event_total 1.0"));
        Thread.sleep(500); // the batch has left and waits for its second try
        long start = System.nanoTime();
        server.process().destroy();
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.process().exitValue()).as("a clean SIGTERM exit, not the backstop's halt").isEqualTo(143);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
    }

    @Test
    void aKubeconfigTheServerCannotReadStopsItWithOneLine() throws IOException {
        Path dir = dir("audit-webhook-missing");
        KapiServer.Exited exited = KapiServer.runToExit("audit-webhook-missing", dir.resolve("data"),
                KapiServer.freePort(), List.of("--audit-policy-file=" + AuditIT.examplePolicy(),
                        "--audit-webhook-config-file=" + dir.resolve("none.kubeconfig")));
        assertThat(exited.singleErrorLine()).isEqualTo("Error: --audit-webhook-config-file: open "
                + dir.resolve("none.kubeconfig") + ": no such file or directory");
    }

    /** A kubeconfig naming a webhook address nothing listens on. */
    private static Path unreachableWebhook(Path dir) throws IOException {
        return Files.writeString(dir.resolve("webhook.kubeconfig"), """
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d/audit", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(KapiServer.freePort()));
    }

    /** Each event's audit ID and stage. */
    private static Set<String> keys(List<JsonNode> events) {
        return events.stream().map(e -> e.path("auditID").asString() + "/" + e.path("stage").asString())
                .collect(Collectors.toSet());
    }
}

package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The server started with the example policy ({@code config/audit-policy.yaml}) and {@code --audit-log-path}:
 * kubectl's operations appear in the log at the policy's levels (a Secret's value never, a Deployment's spec
 * with its create, admission's annotations with a Pod's), a watch has ResponseStarted and ResponseComplete, a 403 and a 401 are recorded, health
 * checks are not, the log file is 0600 and each response's {@code Audit-Id} names its events. A policy file
 * that cannot be used stops the server with one line saying why.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuditIT {

    private static final String NS = "audit-e2e";
    private static final String SECRET_VALUE = "s3cr3t-" + Long.toHexString(System.nanoTime());

    private static KapiServer server;
    private static Path auditLog;
    private static Kubectl kubectl;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() {
        Path dir = KapiServerExtension.e2eDir().resolve("audit-" + System.nanoTime());
        auditLog = dir.resolve("logs/audit.log");
        server = KapiServer.start("audit", dir.resolve("data"), List.of(
                "--audit-policy-file=" + examplePolicy(), "--audit-log-path=" + auditLog,
                "--audit-log-maxsize=10", "--audit-log-maxbackup=2", "--audit-log-truncate-enabled=true",
                "--audit-log-truncate-max-event-size=20000"));
        kubectl = Kubectl.named("kubectl").withKubeconfig(server.kubeconfig());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Kubectl.Result ok(String... args) {
        Kubectl.Result r = kubectl.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void kubectlOperationsAreRecordedAtThePolicysLevelsAndASecretsValueNever() throws IOException {
        ok("create", "namespace", NS);
        ok("-n", NS, "create", "secret", "generic", "db", "--from-literal=password=" + SECRET_VALUE);
        ok("-n", NS, "get", "secret", "db", "-o", "yaml");
        ok("-n", NS, "patch", "secret", "db", "-p", "{\"stringData\":{\"password\":\"" + SECRET_VALUE + "-2\"}}");
        ok("-n", NS, "create", "deployment", "web", "--image=nginx:1.27");
        ok("-n", NS, "get", "deployments");
        ok("-n", NS, "run", "pod-a", "--image=nginx:1.27");
        Kubectl.Result denied = kubectl.run("--as=bob", "-n", NS, "get", "secrets");
        assertThat(denied.exit()).as(denied.toString()).isNotZero();
        assertThat(denied.err()).contains("forbidden");
        Reply unauthenticated = server.withToken("not-a-token").get("/api/v1/namespaces/" + NS + "/pods");
        assertThat(unauthenticated.code()).isEqualTo(401);
        String watchId;
        try (KubeHttp.WatchStream watch = server.admin().watch("/api/v1/namespaces/" + NS
                + "/configmaps?watch=true&timeoutSeconds=1")) {
            watchId = watch.response().headers().firstValue("Audit-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(watch::ended);
        }

        List<JsonNode> events = await().atMost(Duration.ofSeconds(10)).until(AuditIT::events,
                es -> es.stream().anyMatch(e -> e.path("auditID").asString().equals(watchId)
                        && e.path("stage").asString().equals("ResponseComplete")));

        String text = Files.readString(auditLog);
        assertThat(text).doesNotContain(SECRET_VALUE)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("kind").asString()).isEqualTo("Event");
            assertThat(e.path("apiVersion").asString()).isEqualTo("audit.k8s.io/v1");
            assertThat(e.path("stage").asString()).as("the example omits RequestReceived").isNotEqualTo("RequestReceived");
        });
        assertThat(events).as("health checks are not recorded")
                .noneMatch(e -> e.path("requestURI").asString().startsWith("/readyz"));

        JsonNode secretCreate = one(events, e -> verb(e, "create") && resource(e, "secrets"));
        assertThat(secretCreate.path("level").asString()).isEqualTo("Metadata");
        assertThat(secretCreate.path("objectRef").path("name").asString()).isEqualTo("db");
        assertThat(secretCreate.path("objectRef").path("namespace").asString()).isEqualTo(NS);
        assertThat(secretCreate.path("user").path("username").asString()).isEqualTo("system:admin");
        assertThat(secretCreate.path("user").path("groups").toString()).contains("system:masters");
        assertThat(secretCreate.path("responseStatus").path("code").asInt()).isEqualTo(201);
        assertThat(secretCreate.path("userAgent").asString()).startsWith("kubectl");
        assertThat(secretCreate.path("sourceIPs").toString()).isEqualTo("[\"127.0.0.1\"]");
        assertThat(secretCreate.path("annotations").path("authorization.k8s.io/decision").asString()).isEqualTo("allow");
        assertThat(secretCreate.has("requestObject")).isFalse();
        assertThat(events.stream().filter(e -> verb(e, "get") && resource(e, "secrets")).toList()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.has("responseObject")).isFalse());
        assertThat(one(events, e -> verb(e, "patch") && resource(e, "secrets")).path("level").asString())
                .isEqualTo("Metadata");

        JsonNode deploymentCreate = one(events, e -> verb(e, "create") && resource(e, "deployments"));
        assertThat(deploymentCreate.path("level").asString()).isEqualTo("Request");
        assertThat(deploymentCreate.path("objectRef").path("apiGroup").asString()).isEqualTo("apps");
        assertThat(deploymentCreate.path("objectRef").path("name").asString()).isEqualTo("web");
        assertThat(deploymentCreate.path("requestObject").path("spec").path("template").path("spec")
                .path("containers").get(0).path("image").asString()).isEqualTo("nginx:1.27");
        assertThat(deploymentCreate.has("responseObject")).isFalse();
        assertThat(deploymentCreate.path("requestObject").path("metadata").has("managedFields")).isFalse();
        JsonNode namespaceCreate = one(events, e -> verb(e, "create") && e.path("objectRef").path("resource").asString()
                .equals("namespaces"));
        assertThat(namespaceCreate.path("objectRef").path("name").asString()).isEqualTo(NS);
        assertThat(namespaceCreate.path("requestObject").path("metadata").path("name").asString()).isEqualTo(NS);
        assertThat(one(events, e -> verb(e, "list") && resource(e, "deployments")).path("level").asString())
                .isEqualTo("Metadata");

        JsonNode podCreate = one(events, e -> verb(e, "create") && resource(e, "pods"));
        assertThat(podCreate.path("annotations").path("pod-security.kubernetes.io/enforce-policy").asString())
                .as("admission's annotations").isEqualTo("privileged:latest");

        JsonNode forbidden = one(events, e -> e.path("responseStatus").path("code").asInt() == 403);
        assertThat(forbidden.path("user").path("username").asString()).isEqualTo("system:admin");
        assertThat(forbidden.path("impersonatedUser").path("username").asString()).isEqualTo("bob");
        assertThat(forbidden.path("responseStatus").path("reason").asString()).isEqualTo("Forbidden");
        assertThat(forbidden.path("annotations").path("authorization.k8s.io/decision").asString()).isEqualTo("forbid");

        JsonNode unauthorized = one(events, e -> e.path("responseStatus").path("code").asInt() == 401);
        assertThat(unauthorized.path("stage").asString()).isEqualTo("ResponseStarted");
        assertThat(unauthorized.path("user").toString()).isEqualTo("{}");
        assertThat(unauthorized.path("auditID").asString()).isEqualTo(unauthenticated.headers("Audit-Id").getFirst());

        List<String> watchStages = events.stream().filter(e -> e.path("auditID").asString().equals(watchId))
                .map(e -> e.path("stage").asString()).toList();
        assertThat(watchStages).containsExactly("ResponseStarted", "ResponseComplete");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auditLog))).isEqualTo("rw-------");
    }

    /** {@code --audit-log-truncate-*}: the create of a 30 KB Namespace is recorded without its object, as kube does. */
    @Test
    void aRequestLargerThanTheMaximumIsRecordedWithoutItsObject() throws IOException {
        Path file = Files.writeString(KapiServerExtension.e2eDir().resolve("big-ns-" + System.nanoTime() + ".json"),
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"audit-big\","
                        + "\"annotations\":{\"big\":\"" + "x".repeat(30_000) + "\"}}}");
        ok("create", "-f", file.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode create = one(events(), e -> verb(e, "create")
                    && e.path("objectRef").path("resource").asString().equals("namespaces")
                    && e.path("objectRef").path("name").asString().equals("audit-big"));
            assertThat(create.has("requestObject")).isFalse();
            assertThat(create.path("annotations").path("audit.k8s.io/truncated").asString()).isEqualTo("true");
            assertThat(create.path("responseStatus").path("code").asInt()).isEqualTo(201);
        });
    }

    @Test
    void truncationFlagsKubeRefusesStopTheServerWithOneLine() throws IOException {
        Path dir = KapiServerExtension.e2eDir().resolve("audit-truncate-" + System.nanoTime());
        Files.createDirectories(dir);
        KapiServer.Exited exited = KapiServer.runToExit("audit-truncate", dir.resolve("data"), KapiServer.freePort(),
                List.of("--audit-policy-file=" + examplePolicy(), "--audit-log-path=" + dir.resolve("audit.log"),
                        "--audit-log-truncate-enabled=true", "--audit-log-truncate-max-event-size=2000",
                        "--audit-log-truncate-max-batch-size=1000"));
        assertThat(exited.singleErrorLine()).isEqualTo("Error: invalid audit truncate log max batch size 1000, must "
                + "be greater than max event size (2000)");
    }

    @Test
    void anInvalidPolicyFileStopsTheServerWithOneLine() throws IOException {
        Path dir = KapiServerExtension.e2eDir().resolve("audit-invalid-" + System.nanoTime());
        Files.createDirectories(dir);
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n");
        KapiServer.Exited exited = KapiServer.runToExit("audit-invalid", dir.resolve("data"), KapiServer.freePort(),
                List.of("--audit-policy-file=" + policy, "--audit-log-path=" + dir.resolve("audit.log")));
        assertThat(exited.singleErrorLine()).isEqualTo(
                "Error: --audit-policy-file " + policy + ": rules[0].level: Unsupported value: \"Everything\": "
                        + "supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
    }

    private static boolean verb(JsonNode e, String verb) {
        return e.path("verb").asString().equals(verb) && e.path("stage").asString().equals("ResponseComplete");
    }

    private static boolean resource(JsonNode e, String resource) {
        return e.path("objectRef").path("resource").asString().equals(resource)
                && e.path("objectRef").path("namespace").asString().equals(NS);
    }

    private static JsonNode one(List<JsonNode> events, Predicate<JsonNode> p) {
        List<JsonNode> found = events.stream().filter(p).toList();
        assertThat(found).as("one matching event").hasSize(1);
        return found.getFirst();
    }

    private static List<JsonNode> events() {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(auditLog)) {
                out.add(Json.MAPPER.readTree(line));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code config/audit-policy.yaml} of the repository, found from the working directory up. */
    static Path examplePolicy() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("config/audit-policy.yaml");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("config/audit-policy.yaml not found");
    }
}

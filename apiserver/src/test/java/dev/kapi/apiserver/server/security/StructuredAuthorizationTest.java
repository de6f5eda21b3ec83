package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import dev.kapi.apiserver.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --authorization-config}: a policy webhook asked only for what its match conditions select (namespace
 * team-a), failing closed ({@code failurePolicy: Deny}); then RBAC; then a fallback webhook that fails open. What
 * no authorizer allows is never served, a failure is kube's 500 with nothing served or created, and the file read
 * again changes who is asked, while an invalid or RBAC-dropping file leaves the authorizers in use.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StructuredAuthorizationTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-authz-config-");
    static final WebhookReceiver POLICY = WebhookReceiver.create();
    static final WebhookReceiver FALLBACK = WebhookReceiver.create();
    static final Path CONFIG = DATA_DIR.resolve("authorization-config.yaml");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path tokens = Files.writeString(DATA_DIR.resolve("tokens.csv"), "t-token,tuser,21,team\nm-token,mon,22,system:masters\no-token,ouser,23,team\n");
        writeConfig("team-a", true);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("authorization-config", CONFIG::toString);
        registry.add("kapi.authorization-config-check-interval", () -> "100ms");
    }

    static void writeConfig(String namespace, boolean rbac) {
        try {
            Path policy = POLICY.kubeconfig(DATA_DIR.resolve("policy"), "      token: to-policy");
            Path fallback = FALLBACK.kubeconfig(DATA_DIR.resolve("fallback"), "      token: to-fallback");
            String yaml = """
                    apiVersion: apiserver.config.k8s.io/v1
                    kind: AuthorizationConfiguration
                    authorizers:
                    - type: Webhook
                      name: team-policy
                      webhook:
                        timeout: 2s
                        subjectAccessReviewVersion: v1
                        matchConditionSubjectAccessReviewVersion: v1
                        failurePolicy: Deny
                        connectionInfo: {type: KubeConfigFile, kubeConfigFile: %s}
                        matchConditions:
                        - expression: has(request.resourceAttributes)
                        - expression: request.resourceAttributes.namespace == '%s'
                    %s- type: Webhook
                      name: fallback
                      webhook:
                        timeout: 2s
                        unauthorizedTTL: 1ns
                        subjectAccessReviewVersion: v1beta1
                        failurePolicy: NoOpinion
                        connectionInfo: {type: KubeConfigFile, kubeConfigFile: %s}
                    """.formatted(policy, namespace, rbac ? "- {type: RBAC, name: rbac}\n" : "", fallback);
            Path next = Files.writeString(DATA_DIR.resolve("next.yaml"), yaml);
            Files.move(next, CONFIG, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        POLICY.close();
        FALLBACK.close();
    }

    @BeforeEach
    void answers() {
        POLICY.failNext(0, 500);
        FALLBACK.failNext(0, 500);
        POLICY.answer(StructuredAuthorizationTest::policy);
        FALLBACK.answer(body -> answer("authorization.k8s.io/v1beta1", false, false, "fallback: no rule"));
    }

    @AfterEach
    void restore() {
        answers();
        writeConfig("team-a", true);
        try (RawHttps t = http()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(t.send("GET", "/api/v1/namespaces/team-a/configmaps", null, null).code()).isEqualTo(200));
        }
    }

    /** The policy allows ConfigMaps and denies Secrets. */
    static JsonNode policy(JsonNode review) {
        String resource = review.path("spec").path("resourceAttributes").path("resource").asString("");
        return resource.equals("configmaps") ? answer("authorization.k8s.io/v1", true, false, "team may read")
                : answer("authorization.k8s.io/v1", false, true, "team secrets are sealed");
    }

    static JsonNode answer(String apiVersion, boolean allowed, boolean denied, String reason) {
        ObjectNode a = Json.MAPPER.createObjectNode().put("apiVersion", apiVersion).put("kind", "SubjectAccessReview");
        a.putObject("status").put("allowed", allowed).put("denied", denied).put("reason", reason);
        return a;
    }

    @Test
    void onlyMatchedRequestsReachThePolicyAndTheRestFallsThrough() throws IOException {
        try (RawHttps t = http()) {
            assertThat(t.send("GET", "/api/v1/namespaces/team-a/configmaps", null, null).code()).isEqualTo(200);
            RawHttps.Response sealed = t.send("GET", "/api/v1/namespaces/team-a/secrets", null, null);
            assertThat(sealed.code()).isEqualTo(403);
            assertThat(sealed.body()).contains("team secrets are sealed").doesNotContain("\"items\"");
            int policyCalls = POLICY.calls().size();
            RawHttps.Response other = t.send("GET", "/api/v1/namespaces/default/configmaps", null, null);
            assertThat(other.code()).isEqualTo(403);
            assertThat(other.body()).contains("fallback: no rule").doesNotContain("\"items\"");
            RawHttps.Response nodes = t.send("GET", "/api/v1/nodes", null, null);
            assertThat(nodes.code()).as("a cluster-scoped request's namespace is '': not matched").isEqualTo(403);
            assertThat(nodes.body()).contains("fallback: no rule").doesNotContain("\"items\"");
            assertThat(POLICY.calls()).as("not matched: never sent").hasSize(policyCalls);
            assertThat(FALLBACK.calls().getLast().body().path("spec").path("user").asString()).isEqualTo("tuser");
        }
        assertThat(POLICY.calls().getFirst().authorization()).isEqualTo("Bearer to-policy");
        assertThat(POLICY.calls().getFirst().body().path("spec").path("groups").toString()).contains("team");
    }

    @Test
    void aFailingPolicyDeniesAsA500AndCreatesNothingWhileTheFallbackFailsOpen() throws IOException {
        POLICY.failNext(100, 400);
        try (RawHttps t = http()) {
            RawHttps.Response read = t.send("GET", "/api/v1/namespaces/team-a/configmaps/x", null, null);
            assertThat(read.code()).as(read.body()).isEqualTo(500);
            assertThat(read.body()).startsWith("Internal Server Error: \"/api/v1/namespaces/team-a/configmaps/x\": ");
            int fallbackCalls = FALLBACK.calls().size();
            RawHttps.Response write = t.send("POST", "/api/v1/namespaces/team-a/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"sneaky\"}}");
            assertThat(write.code()).isEqualTo(500);
            assertThat(FALLBACK.calls()).as("Deny decided: nobody after it is asked").hasSize(fallbackCalls);
            FALLBACK.failNext(100, 400);
            RawHttps.Response open = t.send("GET", "/api/v1/namespaces/default/configmaps", null, null);
            assertThat(open.code()).as("NoOpinion with an error and no one allowing: still a 500").isEqualTo(500);
            assertThat(open.body()).doesNotContain("\"items\"");
        }
        POLICY.failNext(0, 400);
        FALLBACK.failNext(0, 400);
        try (RawHttps t = http()) {
            assertThat(t.send("GET", "/api/v1/namespaces/team-a/configmaps/sneaky", null, null).code())
                    .as("nothing was created").isEqualTo(404);
        }
    }

    @Test
    void theFileReadAgainChangesWhoIsAskedButAnInvalidOneChangesNothing() throws IOException {
        try (RawHttps t = http()) {
            writeConfig("team-b", true);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(t.send("GET", "/api/v1/namespaces/team-b/configmaps", null, null).code()).isEqualTo(200));
            assertThat(t.send("GET", "/api/v1/namespaces/team-a/configmaps", null, null).code()).isEqualTo(403);

            Files.writeString(CONFIG, Files.readString(CONFIG).replace("failurePolicy: Deny", "failurePolicy: Maybe")
                    .replace("'team-b'", "'team-c'"));
            Thread.sleep(600); // several checks of the invalid file
            assertThat(t.send("GET", "/api/v1/namespaces/team-b/configmaps", null, null).code())
                    .as("the authorizers in use stay").isEqualTo(200);
            assertThat(t.send("GET", "/api/v1/namespaces/team-c/configmaps", null, null).code()).isEqualTo(403);
            writeConfig("team-c", false); // RBAC dropped: refused as well
            Thread.sleep(600);
            assertThat(t.send("GET", "/api/v1/namespaces/team-b/configmaps", null, null).code()).isEqualTo(200);
            assertThat(t.send("GET", "/api/v1/namespaces/team-c/configmaps", null, null).code()).isEqualTo(403);
            try (RawHttps admin = new RawHttps(TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(), null),
                    port, "m-token")) {
                assertThat(admin.send("GET", "/metrics", null, null).body()).as("kube's reload metrics")
                        .containsPattern("apiserver_authorization_config_controller_automatic_reloads_total\\{"
                                + "apiserver_id_hash=\"sha256:[0-9a-f]{64}\",status=\"success\"} [1-9]")
                        .containsPattern("apiserver_authorization_config_controller_automatic_reloads_total\\{"
                                + "apiserver_id_hash=\"sha256:[0-9a-f]{64}\",status=\"failure\"} [2-9]")
                        .containsPattern("apiserver_authorization_config_controller_automatic_reload_last_timestamp_"
                                + "seconds\\{apiserver_id_hash=\"sha256:[0-9a-f]{64}\",status=\"failure\"} 1\\.[0-9]");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The policy and its match condition decide on the request that is served: spellings that could reach Secrets
     * through a ConfigMaps URL are refused before anyone decides, encoded names and namespaces are decided (and
     * matched) as decoded, and a body naming another namespace or kind than the allowed URL creates nothing.
     */
    @Test
    void oddSpellingsAndBodiesThatDisagreeGetNothingThePolicyDidNotAllow() throws IOException {
        // its own user: the policy's remembered answers (create in team-a allowed) stay out of the other tests
        try (RawHttps t = new RawHttps(TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(), null), port,
                "o-token")) {
            for (String path : java.util.List.of("/api/v1/namespaces/team-a/configmaps/../secrets",
                    "/api/v1/namespaces/team-a/configmaps/%2E%2E/secrets", "/api/v1/namespaces/team-a/configmaps;/../secrets",
                    "/api/v1/namespaces/team-a//secrets", "/api/v1/namespaces/team-a/configmaps%2F..%2Fsecrets")) {
                RawHttps.Response res = t.send("GET", path, null, null);
                assertThat(res.code()).as(path + ": " + res.body()).isEqualTo(400);
                assertThat(res.body()).doesNotContain("\"items\"");
            }
            for (String path : java.util.List.of("/api/v1/namespaces/team-a/%73ecrets",
                    "/api/v1/namespaces/team%2Da/secrets")) {
                RawHttps.Response res = t.send("GET", path, null, null);
                assertThat(res.code()).as(path + ": " + res.body()).isEqualTo(403);
                assertThat(res.body()).as("matched as decoded: the policy denied").contains("team secrets are sealed")
                        .doesNotContain("\"items\"");
            }
            RawHttps.Response elsewhere = t.send("POST", "/api/v1/namespaces/team-a/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"moved\","
                            + "\"namespace\":\"default\"}}");
            assertThat(elsewhere.code()).as(elsewhere.body()).isEqualTo(400);
            RawHttps.Response secret = t.send("POST", "/api/v1/namespaces/team-a/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"disguised\"}}");
            assertThat(secret.code()).as(secret.body()).isEqualTo(400);
        }
        try (RawHttps admin = new RawHttps(TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(), null), port,
                "m-token")) {
            assertThat(admin.send("GET", "/api/v1/namespaces/default/configmaps/moved", null, null).code())
                    .isEqualTo(404);
            assertThat(admin.send("GET", "/api/v1/namespaces/team-a/secrets/disguised", null, null).code())
                    .isEqualTo(404);
        }
    }

    @Test
    void decisionsWebhookCallsAndConditionsAreCountedAsKubeCountsThem() throws IOException {
        try (RawHttps t = http()) {
            assertThat(t.send("GET", "/api/v1/namespaces/team-a/configmaps", null, null).code()).isEqualTo(200);
            assertThat(t.send("GET", "/api/v1/namespaces/team-a/secrets", null, null).code()).isEqualTo(403);
            FALLBACK.failNext(1, 400);
            assertThat(t.send("GET", "/api/v1/namespaces/default/pods", null, null).code()).isEqualTo(500);
        }
        String metrics;
        try (RawHttps admin = new RawHttps(TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(), null), port,
                "m-token")) {
            RawHttps.Response scraped = admin.send("GET", "/metrics", null, null);
            assertThat(scraped.code()).isEqualTo(200);
            metrics = scraped.body();
        }
        assertThat(metrics).contains(
                "apiserver_authorization_decisions_total{decision=\"allowed\",name=\"team-policy\",type=\"Webhook\"}",
                "apiserver_authorization_decisions_total{decision=\"denied\",name=\"team-policy\",type=\"Webhook\"}",
                "apiserver_authorization_webhook_evaluations_total{name=\"team-policy\",result=\"success\"}",
                "apiserver_authorization_webhook_duration_seconds_bucket{name=\"team-policy\",result=\"success\",le=\"0.005\"}",
                "apiserver_authorization_webhook_evaluations_total{name=\"fallback\",result=\"error\"}",
                "apiserver_authorization_webhook_evaluations_fail_open_total{name=\"fallback\",result=\"error\"}",
                "apiserver_authorization_match_condition_exclusions_total{name=\"team-policy\",type=\"Webhook\"}",
                "apiserver_authorization_match_condition_evaluation_seconds_bucket{name=\"team-policy\",type=\"Webhook\",le=\"0.001\"}")
                .doesNotContain("name=\"rbac\",type=\"RBAC\"} 0");
    }

    private RawHttps http() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        SSLContext ssl = TlsClients.sslContext(ca.certificate(), null);
        return new RawHttps(ssl, port, "t-token");
    }
}

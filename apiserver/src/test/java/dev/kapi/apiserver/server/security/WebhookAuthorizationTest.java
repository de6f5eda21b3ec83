package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import dev.kapi.apiserver.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
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
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --authorization-mode=RBAC,Webhook}: what RBAC does not allow is asked of the webhook, whose {@code allowed}
 * serves the request, whose {@code denied} and silence are 403s with its reason and nothing served, and whose failure
 * is kube's 500 with nothing served; what RBAC allows never reaches it; it decides on a list's selectors and what
 * is served is what it allowed for them; access reviews show its decisions, and rules reviews say they are
 * incomplete.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookAuthorizationTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-authz-webhook-");
    static final WebhookReceiver WEBHOOK = WebhookReceiver.create();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path conf = WEBHOOK.kubeconfig(DATA_DIR.resolve("webhook"), "      token: kapi-to-authz");
        Path tokens = Files.writeString(DATA_DIR.resolve("tokens.csv"),
                "w-token,wuser,11,webhook-users\na-token,admin,12,system:masters\n");
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("authorization-mode", () -> "RBAC,Webhook");
        registry.add("authorization-webhook-config-file", conf::toString);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        WEBHOOK.close();
    }

    @BeforeEach
    void answers() {
        WEBHOOK.failNext(0, 500);
        WEBHOOK.answer(WebhookAuthorizationTest::decide);
    }

    /** wuser may read ConfigMaps, never Secrets; about anything else the webhook has no opinion. */
    static JsonNode decide(JsonNode review) {
        JsonNode spec = review.path("spec");
        String resource = spec.path("resourceAttributes").path("resource").asString("");
        boolean wuser = spec.path("user").asString("").equals("wuser");
        ObjectNode answer = Json.MAPPER.createObjectNode().put("apiVersion", "authorization.k8s.io/v1beta1")
                .put("kind", "SubjectAccessReview");
        ObjectNode status = answer.putObject("status");
        if (wuser && resource.equals("pods") && spec.path("resourceAttributes").path("verb").asString().matches("list|watch")) {
            JsonNode fields = spec.path("resourceAttributes").path("fieldSelector").path("requirements");
            boolean onN1 = false;
            for (JsonNode r : fields) {
                onN1 |= r.path("key").asString().equals("spec.nodeName") && r.path("operator").asString().equals("In")
                        && r.path("values").toString().equals("[\"n1\"]");
            }
            status.put("allowed", onN1 && fields.size() == 1).put("reason", "pods on n1 only");
        } else if (wuser && resource.equals("configmaps")) {
            status.put("allowed", true).put("reason", "readers may read configmaps");
        } else if (resource.equals("secrets")) {
            status.put("allowed", false).put("denied", true).put("reason", "secrets are off limits");
        } else {
            status.put("allowed", false);
        }
        return answer;
    }

    @Test
    void theWebhookDecidesWhatRbacDoesNotAllow() throws IOException {
        try (RawHttps w = http()) {
            RawHttps.Response list = w.send("GET", "/api/v1/namespaces/default/configmaps", null, null);
            assertThat(list.code()).as(list.body()).isEqualTo(200);
            RawHttps.Response secrets = w.send("GET", "/api/v1/namespaces/default/secrets", null, null);
            assertThat(secrets.code()).isEqualTo(403);
            assertThat(secrets.body()).contains("secrets are off limits").doesNotContain("\"items\"");
            RawHttps.Response nodes = w.send("GET", "/api/v1/nodes", null, null);
            assertThat(nodes.code()).isEqualTo(403);
            assertThat(nodes.body()).doesNotContain("\"items\"");
        }
        JsonNode call = WEBHOOK.calls().getLast().body();
        assertThat(call.path("apiVersion").asString()).isEqualTo("authorization.k8s.io/v1beta1");
        assertThat(call.path("spec").path("group").toString()).contains("webhook-users").contains("system:authenticated");
        assertThat(WEBHOOK.calls()).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer kapi-to-authz"));
    }

    @Test
    void aWebhookThatFailsIsA500AndServesNothing() throws IOException {
        WEBHOOK.failNext(100, 400);
        try (RawHttps w = http()) {
            RawHttps.Response res = w.send("GET", "/api/v1/namespaces/kube-system/configmaps", null, null);
            assertThat(res.code()).as(res.body()).isEqualTo(500);
            assertThat(res.header("Content-Type")).startsWith("text/plain");
            assertThat(res.body()).startsWith("Internal Server Error: \"/api/v1/namespaces/kube-system/configmaps\": ")
                    .contains("the server rejected our request for an unknown reason").doesNotContain("\"items\"");
            RawHttps.Response write = w.send("POST", "/api/v1/namespaces/kube-system/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"sneaky\"}}");
            assertThat(write.code()).isEqualTo(500);
        }
        WEBHOOK.failNext(0, 400);
        try (RawHttps w = http()) {
            assertThat(w.send("GET", "/api/v1/namespaces/kube-system/configmaps/sneaky", null, null).code())
                    .as("nothing was created").isEqualTo(404);
        }
    }

    @Test
    void whatRbacAllowsNeverReachesTheWebhookAndAnswersAreRemembered() throws IOException {
        int before = WEBHOOK.calls().size();
        try (RawHttps w = http()) {
            assertThat(w.send("GET", "/version", null, null).code()).isEqualTo(200); // system:public-info-viewer
            assertThat(WEBHOOK.calls()).hasSize(before);
            for (int i = 0; i < 4; i++) {
                assertThat(w.send("GET", "/api/v1/namespaces/default/configmaps?limit=" + 7, null, null).code())
                        .isEqualTo(200);
            }
        }
        assertThat(WEBHOOK.calls().size()).isLessThanOrEqualTo(before + 1);
    }

    /**
     * The webhook decides on the request that is served: a spelling that could reach Secrets through a ConfigMaps
     * URL is refused before anyone decides, an encoded name is decided as decoded (Secrets: denied), and a body that
     * names another namespace than the URL the webhook allowed creates nothing there.
     */
    @Test
    void oddSpellingsAndBodiesThatDisagreeGetNothingTheWebhookDidNotAllow() throws IOException {
        try (RawHttps w = http()) {
            for (String path : java.util.List.of("/api/v1/namespaces/default/configmaps/../secrets",
                    "/api/v1/namespaces/default/configmaps/%2E%2E/secrets", "/api/v1/namespaces/default/configmaps;/../secrets",
                    "/api/v1/namespaces/default//secrets", "/api/v1/namespaces/default/configmaps%2F..%2Fsecrets")) {
                RawHttps.Response res = w.send("GET", path, null, null);
                assertThat(res.code()).as(path + ": " + res.body()).isEqualTo(400);
                assertThat(res.body()).doesNotContain("\"items\"");
            }
            RawHttps.Response encoded = w.send("GET", "/api/v1/namespaces/default/%73ecrets", null, null);
            assertThat(encoded.code()).as(encoded.body()).isEqualTo(403);
            assertThat(encoded.body()).contains("secrets are off limits").doesNotContain("\"items\"");
            RawHttps.Response elsewhere = w.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"moved\","
                            + "\"namespace\":\"kube-system\"}}");
            assertThat(elsewhere.code()).as(elsewhere.body()).isEqualTo(400);
            RawHttps.Response secret = w.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"disguised\"}}");
            assertThat(secret.code()).as(secret.body()).isEqualTo(400);
            assertThat(w.send("GET", "/api/v1/namespaces/kube-system/configmaps/moved", null, null).code())
                    .isEqualTo(404);
            assertThat(w.send("GET", "/api/v1/namespaces/default/secrets/disguised", null, null).code())
                    .isEqualTo(403);
        }
    }

    /**
     * kube 1.32's AuthorizeWithSelectors: a webhook that lets wuser list pods only on node n1 (a node authorizer's
     * shape) is asked with the list's field selector, and what is served is what it allowed. Another node, no
     * selector, a negated one, a second {@code fieldSelector} parameter after another node's, a legacy
     * {@code /watch/} path (kube sends no selectors for it) and a selector in a form body (never read as a
     * parameter) are each a 403 with nothing served.
     */
    @Test
    void aListNarrowedBySelectorsGetsOnlyWhatTheWebhookAllowedForThem() throws IOException {
        try (RawHttps admin = http("a-token")) {
            for (String node : java.util.List.of("n1", "n2")) {
                RawHttps.Response pod = admin.send("POST", "/api/v1/namespaces/default/pods", "application/json",
                        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"on-" + node + "\"},\"spec\":"
                                + "{\"nodeName\":\"" + node + "\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
                assertThat(pod.code()).as(pod.body()).isIn(201, 409);
            }
        }
        try (RawHttps w = http()) {
            for (String query : java.util.List.of("fieldSelector=spec.nodeName%3Dn1",
                    "fieldSelector=spec.nodeName%3Dn1&fieldSelector=spec.nodeName%3Dn2",
                    "fieldSelector=spec.nodeName%3D%3Dn1&resourceVersion=0")) {
                RawHttps.Response res = w.send("GET", "/api/v1/pods?" + query, null, null);
                assertThat(res.code()).as(query + ": " + res.body()).isEqualTo(200);
                assertThat(res.body()).contains("\"on-n1\"").doesNotContain("\"on-n2\"");
            }
            RawHttps.Response watch = w.send("GET",
                    "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1&fieldSelector=spec.nodeName%3Dn1", null, null);
            assertThat(watch.code()).as(watch.body()).isEqualTo(200); // the list handler's selector is the same
            RawHttps.Response otherWatch = w.send("GET",
                    "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1&fieldSelector=spec.nodeName%3Dn2", null, null);
            assertThat(otherWatch.code()).isEqualTo(403);
            for (String query : java.util.List.of("", "?fieldSelector=spec.nodeName%3Dn2",
                    "?fieldSelector=spec.nodeName!%3Dn1", "?fieldSelector=spec.nodeName%3Dn2&fieldSelector=spec.nodeName%3Dn1",
                    "?labelSelector=spec.nodeName%3Dn1", "?fieldSelector=spec.nodeName%3Dn1%2Cx")) {
                RawHttps.Response res = w.send("GET", "/api/v1/pods" + query, null, null);
                assertThat(res.code()).as(query + ": " + res.body()).isEqualTo(403);
                assertThat(res.body()).doesNotContain("on-n");
            }
            RawHttps.Response legacy = w.send("GET", "/api/v1/watch/pods?fieldSelector=spec.nodeName%3Dn1&timeoutSeconds=1",
                    null, null);
            assertThat(legacy.code()).as("kube sends no selectors for a verb from the path: " + legacy.body())
                    .isEqualTo(403);
            RawHttps.Response form = w.send("GET", "/api/v1/pods", "application/x-www-form-urlencoded",
                    "fieldSelector=spec.nodeName%3Dn1");
            assertThat(form.code()).as(form.body()).isEqualTo(403);
            assertThat(form.body()).doesNotContain("on-n");
        }
    }

    @Test
    void reviewsShowTheWebhooksDecisions() throws IOException {
        try (RawHttps w = http()) {
            RawHttps.Response access = w.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                    "application/json", "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                            + "\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"get\","
                            + "\"resource\":\"secrets\"}}}");
            assertThat(access.code()).as(access.body()).isEqualTo(201);
            JsonNode status = Json.MAPPER.readTree(access.body()).path("status");
            assertThat(status.path("allowed").asBoolean()).isFalse();
            assertThat(status.path("denied").asBoolean()).isTrue();
            assertThat(status.path("reason").asString()).isEqualTo("secrets are off limits");
            RawHttps.Response rules = w.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                    "application/json", "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                            + "\"spec\":{\"namespace\":\"default\"}}");
            assertThat(rules.code()).as(rules.body()).isEqualTo(201);
            JsonNode rulesStatus = Json.MAPPER.readTree(rules.body()).path("status");
            assertThat(rulesStatus.path("incomplete").asBoolean()).isTrue();
            assertThat(rulesStatus.path("evaluationError").asString())
                    .isEqualTo("webhook authorizer does not support user rule resolution");
        }
    }

    private RawHttps http() {
        return http("w-token");
    }

    private RawHttps http(String token) {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        SSLContext ssl = TlsClients.sslContext(ca.certificate(), null);
        return new RawHttps(ssl, port, token);
    }
}

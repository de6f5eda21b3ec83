package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --authentication-token-webhook-config-file}: a bearer token no other authenticator knows is sent to the
 * webhook, and only what it authenticates gets in. A token it does not authenticate, one it refuses with an
 * error, one it authenticates for other audiences, and any token while it fails are each a 401 {@code Status}
 * with no data (never the anonymous user, on a server that allows anonymous requests); the user and groups it
 * answers are what RBAC sees; a static token is never sent to it (asked last); its answers are cached. A TokenReview
 * for another audience authenticates only tokens meant for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenWebhookAuthenticationTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-token-webhook-");
    static final WebhookReceiver WEBHOOK = WebhookReceiver.create();
    static final String NAMESPACES = "/api/v1/namespaces";
    static final String SELF = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path conf = WEBHOOK.kubeconfig(DATA_DIR.resolve("webhook"), "      token: kapi-to-webhook");
        Path tokens = Files.writeString(DATA_DIR.resolve("tokens.csv"), "static-token,static-user,9\n");
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("authentication-token-webhook-config-file", conf::toString);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        WEBHOOK.close();
    }

    @BeforeEach
    void answers() {
        WEBHOOK.answer(TokenWebhookAuthenticationTest::review);
    }

    /** The webhook's users: {@code root-<n>} is in system:masters, {@code alice-<n>} in team-a; others unknown. */
    static JsonNode review(JsonNode request) {
        String token = request.path("spec").path("token").asString();
        ObjectNode answer = Json.MAPPER.createObjectNode().put("apiVersion", "authentication.k8s.io/v1")
                .put("kind", "TokenReview");
        ObjectNode status = answer.putObject("status");
        if (token.startsWith("root-") || token.startsWith("alice-")) {
            boolean root = token.startsWith("root-");
            status.put("authenticated", true).putObject("user").put("username", root ? "root" : "alice")
                    .putArray("groups").add(root ? "system:masters" : "team-a");
        } else if (token.startsWith("expired-")) {
            status.put("authenticated", false).put("error", "token expired");
        } else if (token.startsWith("elsewhere-")) {
            status.put("authenticated", true).putArray("audiences").add("another-cluster");
            ((ObjectNode) status.putObject("user").put("username", "root")).putArray("groups").add("system:masters");
        } else {
            status.put("authenticated", false);
        }
        return answer;
    }

    @Test
    void theWebhooksUserIsWhoRbacSees() throws IOException {
        try (RawHttps root = http("root-1"); RawHttps alice = http("alice-1")) {
            assertThat(root.send("GET", NAMESPACES, null, null).code()).isEqualTo(200);
            RawHttps.Response self = alice.send("POST", SELF, "application/json",
                    "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
            assertThat(self.code()).as(self.body()).isEqualTo(201);
            JsonNode user = Json.MAPPER.readTree(self.body()).path("status").path("userInfo");
            assertThat(user.path("username").asString()).isEqualTo("alice");
            assertThat(user.path("groups").toString()).contains("team-a").contains("system:authenticated");
            assertThat(alice.send("GET", NAMESPACES, null, null).code()).isEqualTo(403);
        }
        assertThat(WEBHOOK.calls()).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer kapi-to-webhook"));
    }

    @Test
    void tokensTheWebhookDoesNotAuthenticateAreRefused() throws IOException {
        for (String token : List.of("unknown-1", "expired-1", "elsewhere-1")) {
            assertRefused(token);
        }
        WEBHOOK.failNext(100, 400);
        assertRefused("root-while-failing");
        WEBHOOK.failNext(0, 400);
        try (RawHttps anonymous = new RawHttps(ssl(), port, null)) {
            assertThat(anonymous.send("GET", NAMESPACES, null, null).code()).as("anonymous is allowed here").isEqualTo(403);
        }
    }

    @Test
    void aStaticTokenIsNotSentToTheWebhookAndAnswersAreCached() throws IOException {
        int before = WEBHOOK.calls().size();
        try (RawHttps stat = http("static-token")) {
            assertThat(stat.send("GET", NAMESPACES, null, null).code()).isEqualTo(403);
        }
        assertThat(WEBHOOK.calls()).hasSize(before);
        try (RawHttps root = http("root-cached")) {
            for (int i = 0; i < 5; i++) {
                assertThat(root.send("GET", NAMESPACES, null, null).code()).isEqualTo(200);
            }
        }
        assertThat(WEBHOOK.calls()).hasSize(before + 1);
    }

    /**
     * kube's TokenReview audiences: a static token is for the API audiences only, so a review asking whether it
     * is meant for another service does not authenticate it (a service trusting TokenReview must not accept the
     * cluster's tokens as its own); the webhook's user is reviewed for what the webhook says it is for.
     */
    @Test
    void aTokenReviewForAnotherAudienceAuthenticatesOnlyTokensMeantForIt() throws IOException {
        try (RawHttps root = http("root-reviewer")) {
            JsonNode vault = tokenReview(root, "static-token", "[\"vault\"]");
            assertThat(vault.has("authenticated")).as(vault.toString()).isFalse();
            assertThat(vault.path("user").isEmpty()).isTrue();
            JsonNode api = tokenReview(root, "static-token", null);
            assertThat(api.path("authenticated").asBoolean()).as(api.toString()).isTrue();
            assertThat(api.path("audiences").toString()).isEqualTo("[\"" + ServiceAccountTokenOptions.DEFAULT_ISSUER
                    + "\"]");
            JsonNode both = tokenReview(root, "static-token", "[\"vault\",\"" + ServiceAccountTokenOptions.DEFAULT_ISSUER
                    + "\"]");
            assertThat(both.path("audiences").toString()).isEqualTo(api.path("audiences").toString());

            assertThat(tokenReview(root, "alice-2", "[\"vault\"]").has("authenticated"))
                    .as("the webhook named no audience: it is for the API audiences").isFalse();
            JsonNode elsewhere = tokenReview(root, "elsewhere-2", "[\"another-cluster\"]");
            assertThat(elsewhere.path("authenticated").asBoolean()).as(elsewhere.toString()).isTrue();
            assertThat(elsewhere.path("audiences").toString()).isEqualTo("[\"another-cluster\"]");
        }
    }

    private static JsonNode tokenReview(RawHttps http, String token, String audiences) throws IOException {
        RawHttps.Response res = http.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token
                        + "\"" + (audiences == null ? "" : ",\"audiences\":" + audiences) + "}}");
        assertThat(res.code()).as(res.body()).isEqualTo(201);
        return Json.MAPPER.readTree(res.body()).path("status");
    }

    private void assertRefused(String token) throws IOException {
        try (RawHttps http = http(token)) {
            for (String path : List.of(NAMESPACES, "/api/v1/namespaces/kube-system/secrets")) {
                RawHttps.Response res = http.send("GET", path, null, null);
                assertThat(res.code()).as(token + " " + path + ": " + res.body()).isEqualTo(401);
                assertThat(res.body()).contains("\"reason\":\"Unauthorized\"").doesNotContain("\"items\"");
            }
        }
    }

    private RawHttps http(String token) {
        return new RawHttps(ssl(), port, token);
    }

    private static SSLContext ssl() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        return TlsClients.sslContext(ca.certificate(), null);
    }
}

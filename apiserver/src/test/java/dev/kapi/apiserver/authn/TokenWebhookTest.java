package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.testing.WebhookReceiver;
import dev.kapi.apiserver.webhook.WebhookTarget;
import dev.kapi.apiserver.webhook.WebhookTrust;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The authentication webhook called as kube calls it: a TokenReview naming the token and the audiences, the user
 * read from the answer, kube's audience rules, a refusal's error, retries only for the failures kube retries, and
 * every failure a refusal (never a user).
 */
class TokenWebhookTest {

    static final List<String> API_AUDIENCES = List.of("https://kubernetes.default.svc.cluster.local");

    final WebhookReceiver receiver;

    TokenWebhookTest() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    TokenWebhook webhook(String version) {
        return webhook(URI.create(receiver.url()), version);
    }

    TokenWebhook webhook(URI uri, String version) {
        String ca = Base64.getEncoder().encodeToString(Pem.certificates(List.of(receiver.ca().certificate()))
                .getBytes(StandardCharsets.US_ASCII));
        HttpClient http = HttpClient.newBuilder().sslContext(WebhookTrust.context(ca, "127.0.0.1", null)).build();
        return new TokenWebhook(new WebhookTarget(uri, http, () -> Map.of("Authorization", "Bearer to-webhook")),
                version, API_AUDIENCES, Duration.ofMillis(5));
    }

    static ObjectNode authenticated(String user, String... groups) {
        ObjectNode review = Json.MAPPER.createObjectNode().put("apiVersion", "authentication.k8s.io/v1")
                .put("kind", "TokenReview");
        ObjectNode status = review.putObject("status").put("authenticated", true);
        ObjectNode u = status.putObject("user").put("username", user).put("uid", "uid-" + user);
        for (String g : groups) {
            u.withArray("groups").add(g);
        }
        u.putObject("extra").putArray("scopes").add("read");
        return review;
    }

    @Test
    void sendsATokenReviewAndReadsTheUserFromItsStatus() {
        receiver.answer(body -> authenticated("alice", "team-a", "devs"));
        Optional<UserInfo> user = webhook("v1").authenticateToken("alice-token", List.of());
        assertThat(user).contains(new UserInfo("alice", "uid-alice", List.of("team-a", "devs"),
                Map.of("scopes", List.of("read"))));
        assertThat(receiver.calls()).singleElement().satisfies(c -> {
            assertThat(c.authorization()).isEqualTo("Bearer to-webhook");
            JsonNode review = c.body();
            assertThat(review.path("apiVersion").asString()).isEqualTo("authentication.k8s.io/v1");
            assertThat(review.path("kind").asString()).isEqualTo("TokenReview");
            assertThat(review.path("spec").path("token").asString()).isEqualTo("alice-token");
            assertThat(review.path("spec").path("audiences").get(0).asString()).isEqualTo(API_AUDIENCES.get(0));
        });
    }

    @Test
    void v1beta1SendsThatVersionAndAnotherVersionIsRefused() {
        receiver.answer(body -> authenticated("bob"));
        assertThat(webhook("v1beta1").authenticateToken("t", List.of("aud-x"))).isEmpty(); // aud-x not answered
        assertThat(receiver.calls().getFirst().body().path("apiVersion").asString())
                .isEqualTo("authentication.k8s.io/v1beta1");
        assertThat(receiver.calls().getFirst().body().path("spec").path("audiences").get(0).asString())
                .isEqualTo("aud-x");
        assertThatThrownBy(() -> webhook("v2")).hasMessage(
                "unsupported authentication webhook version \"v2\", supported versions are \"v1\", \"v1beta1\"");
    }

    @Test
    void audiencesFollowKubesRules() {
        ObjectNode other = authenticated("carol");
        ((ObjectNode) other.path("status")).putArray("audiences").add("somewhere-else");
        receiver.answer(body -> other);
        assertThat(webhook("v1").authenticateToken("t", List.of())).as("none of the wanted audiences").isEmpty();

        ObjectNode named = authenticated("carol");
        ((ObjectNode) named.path("status")).putArray("audiences").add("somewhere-else").add("aud-y");
        receiver.answer(body -> named);
        assertThat(webhook("v1").authenticateToken("t", List.of("aud-y"))).map(UserInfo::name).contains("carol");
        assertThat(webhook("v1").authenticate("t", List.of("aud-z", "aud-y")).orElseThrow().audiences())
                .as("what the webhook answered for and was asked").containsExactly("aud-y");
        // no audiences in the answer stand for the server's: a request for another audience is not authenticated
        receiver.answer(body -> authenticated("carol"));
        assertThat(webhook("v1").authenticateToken("t", List.of("aud-y"))).isEmpty();
        assertThat(webhook("v1").authenticateToken("t", API_AUDIENCES)).map(UserInfo::name).contains("carol");
    }

    @Test
    void aTokenTheWebhookDoesNotAuthenticateIsNoUserAndItsErrorARefusal() {
        receiver.answer(body -> Json.MAPPER.createObjectNode().put("kind", "TokenReview")
                .putObject("status").put("authenticated", false));
        assertThat(webhook("v1").authenticateToken("t", List.of())).isEmpty();
        receiver.answer(body -> {
            ObjectNode r = Json.MAPPER.createObjectNode();
            r.putObject("status").put("authenticated", false).put("error", "token expired");
            return r;
        });
        assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class).hasMessage("token expired");
        // "authenticated" must be true: a user without it is not taken
        receiver.answer(body -> {
            ObjectNode r = authenticated("mallory", "system:masters");
            ((ObjectNode) r.path("status")).remove("authenticated");
            return r;
        });
        assertThat(webhook("v1").authenticateToken("t", List.of())).isEmpty();
    }

    @Test
    void anAnswerWithAFieldOfTheWrongTypeIsInvalidAsGoFindsIt() {
        for (String wrong : List.of("{\"status\":{\"authenticated\":\"true\",\"user\":{\"username\":\"root\"}}}",
                "{\"status\":{\"authenticated\":1,\"user\":{\"username\":\"root\"}}}",
                "{\"status\":{\"authenticated\":true,\"user\":{\"username\":123}}}",
                "{\"status\":{\"authenticated\":true,\"user\":\"root\"}}",
                "{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"a\",\"groups\":\"system:masters\"}}}",
                "{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"a\",\"extra\":{\"k\":\"v\"}}}}",
                "{\"status\":[]}",
                "{\"kind\":\"Status\",\"status\":{\"authenticated\":true,\"user\":{\"username\":\"root\"}}}")) {
            receiver.answer(body -> Json.MAPPER.readTree(wrong));
            assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of())).as(wrong)
                    .isInstanceOf(TokenAuthenticator.BadCredentialsException.class)
                    .hasMessageStartingWith("the webhook's answer is not valid: ");
        }
        receiver.answer(body -> Json.MAPPER.readTree("{\"status\":{\"authenticated\":true,\"user\":"
                + "{\"username\":\"a\",\"uid\":null,\"groups\":null,\"extra\":null}}}"));
        assertThat(webhook("v1").authenticateToken("t", List.of())).as("null is Go's zero value")
                .contains(new UserInfo("a", "", List.of(), Map.of()));
    }

    @Test
    void serverErrorsAreTriedAgainAndOtherFailuresAreRefusalsAtOnce() throws Exception {
        receiver.answer(body -> authenticated("dave"));
        receiver.failNext(2, 500);
        assertThat(webhook("v1").authenticateToken("t", List.of())).map(UserInfo::name).contains("dave");
        assertThat(receiver.calls()).hasSize(1); // the receiver keeps only the calls it answered

        receiver.failNext(2, 502);
        assertThat(webhook("v1").authenticateToken("t", List.of())).map(UserInfo::name).contains("dave");
        assertThat(receiver.calls()).hasSize(2);
        receiver.failNext(1, 503);
        assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
        receiver.failNext(0, 503);
        assertThat(receiver.calls()).as("a 503 without Retry-After is not tried again").hasSize(2);

        receiver.failNext(5, 429);
        assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
        assertThat(receiver.calls()).hasSize(2);

        receiver.failNext(1, 403);
        assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class).hasMessageContaining("403");
        assertThat(webhook("v1").authenticateToken("t", List.of())).as("the 403 was not tried again")
                .map(UserInfo::name).contains("dave");

        receiver.answer(body -> Json.MAPPER.getNodeFactory().stringNode("not a review"));
        assertThatThrownBy(() -> webhook("v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class).hasMessageContaining("not a JSON object");

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI closed = URI.create("https://127.0.0.1:" + port + "/review");
        assertThatThrownBy(() -> webhook(closed, "v1").authenticateToken("t", List.of()))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class)
                .hasMessage("Post \"" + closed + "\": dial tcp 127.0.0.1:" + port + ": connect: connection refused");
    }
}

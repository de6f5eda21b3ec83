package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.testing.WebhookReceiver;
import dev.kapi.apiserver.webhook.WebhookTarget;
import dev.kapi.apiserver.webhook.WebhookTrust;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization webhook called as kube calls it: a SubjectAccessReview of the request's attributes and user
 * (v1beta1's {@code group}, v1's {@code groups}), its answer read as a decision, answers remembered for their TTL,
 * and a failed call a failure (no opinion with the error), never remembered.
 */
class WebhookAuthorizerTest {

    static final UserInfo ALICE = new UserInfo("alice", "uid-1", List.of("devs", "system:authenticated"),
            Map.of("scopes", List.of("read")));
    static final AuthorizationAttributes GET_POD = new AuthorizationAttributes(ALICE, "get", true, "", "v1", "pods",
            "log", "team-a", "web", "/api/v1/namespaces/team-a/pods/web/log");
    static final AuthorizationAttributes HEALTHZ = new AuthorizationAttributes(ALICE, "get", false, "", "", "", "",
            "", "", "/healthz");
    static final WebhookAuthorizer.CacheTtls REMEMBER = new WebhookAuthorizer.CacheTtls(Duration.ofMinutes(5),
            Duration.ofSeconds(30));

    final WebhookReceiver receiver;

    WebhookAuthorizerTest() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    WebhookAuthorizer webhook(String version, WebhookAuthorizer.CacheTtls ttls) {
        String ca = Base64.getEncoder().encodeToString(Pem.certificates(List.of(receiver.ca().certificate()))
                .getBytes(StandardCharsets.US_ASCII));
        HttpClient http = HttpClient.newBuilder().sslContext(WebhookTrust.context(ca, "127.0.0.1", null)).build();
        return new WebhookAuthorizer(new WebhookTarget(URI.create(receiver.url()), http, Map::of), version, ttls,
                Duration.ofMillis(5));
    }

    WebhookAuthorizer webhook(WebhookAuthorizer.Settings settings) {
        String ca = Base64.getEncoder().encodeToString(Pem.certificates(List.of(receiver.ca().certificate()))
                .getBytes(StandardCharsets.US_ASCII));
        HttpClient http = HttpClient.newBuilder().sslContext(WebhookTrust.context(ca, "127.0.0.1", null)).build();
        return new WebhookAuthorizer(new WebhookTarget(URI.create(receiver.url()), http, Map::of), settings,
                Duration.ofMillis(5));
    }

    static JsonNode status(boolean allowed, boolean denied, String reason) {
        ObjectNode review = Json.MAPPER.createObjectNode().put("kind", "SubjectAccessReview");
        review.putObject("status").put("allowed", allowed).put("denied", denied).put("reason", reason);
        return review;
    }

    @Test
    void sendsTheAttributesAndTheUserAsKubeDoes() {
        receiver.answer(body -> status(true, false, "ok"));
        webhook("v1beta1", REMEMBER).authorize(GET_POD);
        webhook("v1", REMEMBER).authorize(HEALTHZ);
        List<WebhookReceiver.Call> calls = receiver.calls();
        assertThat(calls.get(0).body().toString()).isEqualTo("{\"apiVersion\":\"authorization.k8s.io/v1beta1\","
                + "\"kind\":\"SubjectAccessReview\",\"metadata\":{},\"spec\":{\"resourceAttributes\":{"
                + "\"namespace\":\"team-a\",\"verb\":\"get\",\"version\":\"v1\",\"resource\":\"pods\","
                + "\"subresource\":\"log\",\"name\":\"web\"},\"user\":\"alice\",\"group\":[\"devs\","
                + "\"system:authenticated\"],\"extra\":{\"scopes\":[\"read\"]},\"uid\":\"uid-1\"},"
                + "\"status\":{\"allowed\":false}}");
        assertThat(calls.get(1).body().path("apiVersion").asString()).isEqualTo("authorization.k8s.io/v1");
        assertThat(calls.get(1).body().path("spec").path("nonResourceAttributes").toString())
                .isEqualTo("{\"path\":\"/healthz\",\"verb\":\"get\"}");
        assertThat(calls.get(1).body().path("spec").path("groups").size()).isEqualTo(2);
    }

    /**
     * kube 1.32 (AuthorizeWithSelectors): a list's selectors reach the webhook as requirements, in both versions,
     * and are part of the question (a list narrowed otherwise is asked again, not answered from the cache).
     */
    @Test
    void aListsSelectorsAreSentAsRequirements() {
        receiver.answer(body -> status(true, false, ""));
        AuthorizationAttributes list = new AuthorizationAttributes(ALICE, "list", true, "", "v1", "pods", "",
                "team-a", "", "/api/v1/namespaces/team-a/pods");
        WebhookAuthorizer v1 = webhook("v1", REMEMBER);
        v1.authorize(list.withSelectors(AuthorizationSelectors.ofRequest("list", "spec.nodeName=n1", "app in (b,a),!old")));
        v1.authorize(list.withSelectors(AuthorizationSelectors.ofRequest("list", "spec.nodeName=n2", null)));
        v1.authorize(list.withSelectors(AuthorizationSelectors.ofRequest("list", "spec.nodeName=n2", null)));
        webhook("v1beta1", REMEMBER).authorize(list.withSelectors(AuthorizationSelectors.ofRequest("list", null, "k!=v")));
        List<WebhookReceiver.Call> calls = receiver.calls();
        assertThat(calls).as("the same narrowing is remembered, another is asked").hasSize(3);
        assertThat(calls.get(0).body().path("spec").path("resourceAttributes").toString()).isEqualTo(
                "{\"namespace\":\"team-a\",\"verb\":\"list\",\"version\":\"v1\",\"resource\":\"pods\","
                        + "\"fieldSelector\":{\"requirements\":[{\"key\":\"spec.nodeName\",\"operator\":\"In\","
                        + "\"values\":[\"n1\"]}]},\"labelSelector\":{\"requirements\":[{\"key\":\"app\","
                        + "\"operator\":\"In\",\"values\":[\"a\",\"b\"]},{\"key\":\"old\",\"operator\":\"DoesNotExist\"}]}}");
        assertThat(calls.get(1).body().path("spec").path("resourceAttributes").has("labelSelector")).isFalse();
        assertThat(calls.get(2).body().path("spec").path("resourceAttributes").path("labelSelector").toString())
                .isEqualTo("{\"requirements\":[{\"key\":\"k\",\"operator\":\"NotIn\",\"values\":[\"v\"]}]}");
    }

    @Test
    void theAnswerIsTheDecision() {
        receiver.answer(body -> status(true, false, "allowed by policy 7"));
        assertThat(webhook("v1", REMEMBER).authorize(GET_POD)).isEqualTo(Decision.allow("allowed by policy 7"));
        receiver.answer(body -> status(false, true, "pods are off limits"));
        assertThat(webhook("v1", REMEMBER).authorize(GET_POD)).isEqualTo(Decision.deny("pods are off limits"));
        receiver.answer(body -> status(false, false, "no rule"));
        assertThat(webhook("v1", REMEMBER).authorize(GET_POD)).isEqualTo(Decision.noOpinion("no rule"));
        receiver.answer(body -> status(true, true, "confused"));
        assertThat(webhook("v1", REMEMBER).authorize(GET_POD)).isEqualTo(new Decision(Decision.Kind.DENY,
                "confused", "webhook subject access review returned both allow and deny response"));
    }

    @Test
    void answersAreRememberedAndFailuresAreNot() {
        receiver.answer(body -> status(true, false, ""));
        WebhookAuthorizer remembering = webhook("v1", REMEMBER);
        for (int i = 0; i < 3; i++) {
            assertThat(remembering.authorize(GET_POD).allowed()).isTrue();
        }
        assertThat(receiver.calls()).hasSize(1);
        assertThat(remembering.authorize(GET_POD.withVerb("delete")).allowed()).isTrue();
        assertThat(receiver.calls()).as("another request is another question").hasSize(2);

        WebhookAuthorizer forgetting = webhook("v1", new WebhookAuthorizer.CacheTtls(Duration.ZERO, Duration.ZERO));
        forgetting.authorize(GET_POD);
        forgetting.authorize(GET_POD);
        assertThat(receiver.calls()).hasSize(4);

        WebhookAuthorizer failing = webhook("v1", REMEMBER);
        receiver.failNext(1, 403);
        Decision failed = failing.authorize(HEALTHZ);
        assertThat(failed.kind()).isEqualTo(Decision.Kind.NO_OPINION);
        assertThat(failed.error()).contains("403");
        assertThat(failing.authorize(HEALTHZ)).as("the failure was not remembered").isEqualTo(Decision.allow(""));

        for (String wrong : List.of("{\"status\":{\"allowed\":\"true\"}}",
                "{\"status\":{\"allowed\":true,\"evaluationError\":{}}}",
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":{\"allowed\":true}}",
                "{\"kind\":[],\"status\":{\"allowed\":true}}",
                "{\"metadata\":\"x\",\"status\":{\"allowed\":true}}",
                "{\"spec\":5,\"status\":{\"allowed\":true}}")) {
            receiver.answer(body -> Json.MAPPER.readTree(wrong));
            Decision invalid = webhook("v1", REMEMBER).authorize(GET_POD);
            assertThat(invalid.kind()).as(wrong).isEqualTo(Decision.Kind.NO_OPINION);
            assertThat(invalid.error()).as(wrong).startsWith("the webhook's answer is not valid: ");
        }
    }

    @Test
    void requestsWithHugeAttributesAreNotRemembered() {
        receiver.answer(body -> status(false, false, ""));
        WebhookAuthorizer remembering = webhook("v1", REMEMBER);
        AuthorizationAttributes huge = new AuthorizationAttributes(ALICE, "get", true, "", "v1", "pods", "",
                "team-a", "x".repeat(10_000), "/api");
        remembering.authorize(huge);
        remembering.authorize(huge);
        assertThat(receiver.calls()).as("kube's shouldCache").hasSize(2);
    }

    @Test
    void aFailureWithNoOtherOpinionIsTheChainsError() {
        Authorizer fails = a -> Decision.failed("Post \"https://authz\": EOF");
        Decision none = new AuthorizerChain(List.of(fails, a -> Decision.noOpinion("rbac: no rule"))).authorize(GET_POD);
        assertThat(none).isEqualTo(new Decision(Decision.Kind.NO_OPINION, "rbac: no rule", "Post \"https://authz\": EOF"));
        assertThat(new AuthorizerChain(List.of(fails, fails)).authorize(GET_POD).error())
                .as("kube's aggregate says each error once").isEqualTo("Post \"https://authz\": EOF");
        assertThat(new AuthorizerChain(List.of(fails, a -> Decision.failed("other"))).authorize(GET_POD).error())
                .isEqualTo("[Post \"https://authz\": EOF, other]");
        assertThat(new AuthorizerChain(List.of(fails, a -> Decision.allow(""))).authorize(GET_POD))
                .isEqualTo(Decision.allow(""));
    }

    /** --authorization-config's settings: match conditions first, failurePolicy Deny, each try's own time limit. */
    @Test
    void structuredSettingsAreKubes() {
        receiver.answer(body -> status(true, false, "ok"));
        WebhookAuthorizer teamA = webhook(new WebhookAuthorizer.Settings("v1", REMEMBER, Duration.ofSeconds(5), false,
                WebhookMatchConditions.compile(List.of("has(request.resourceAttributes)",
                        "request.resourceAttributes.namespace == 'team-a'"))));
        assertThat(teamA.authorize(HEALTHZ)).as("not matched: not asked").isEqualTo(Decision.noOpinion(""));
        assertThat(teamA.authorize(new AuthorizationAttributes(ALICE, "get", true, "", "v1", "pods", "",
                "team-b", "web", "/api/v1/namespaces/team-b/pods/web"))).isEqualTo(Decision.noOpinion(""));
        assertThat(receiver.calls()).isEmpty();
        assertThat(teamA.authorize(GET_POD)).isEqualTo(Decision.allow("ok"));
        assertThat(receiver.calls()).hasSize(1);

        WebhookAuthorizer erring = webhook(new WebhookAuthorizer.Settings("v1", REMEMBER, Duration.ofSeconds(5), true,
                WebhookMatchConditions.compile(List.of("request.resourceAttributes.name == 'web'"))));
        Decision denied = erring.authorize(HEALTHZ);
        assertThat(denied.kind()).isEqualTo(Decision.Kind.DENY);
        assertThat(denied.error()).isEqualTo("cel evaluation error: expression 'request.resourceAttributes.name =="
                + " 'web'' resulted in error: no such key: resourceAttributes");
        assertThat(receiver.calls()).hasSize(1);

        receiver.answer(body -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return status(true, false, "late");
        });
        WebhookAuthorizer hurried = webhook(new WebhookAuthorizer.Settings("v1", REMEMBER, Duration.ofMillis(200),
                true, WebhookMatchConditions.none()));
        Decision timedOut = hurried.authorize(GET_POD);
        assertThat(timedOut.kind()).as("failurePolicy Deny").isEqualTo(Decision.Kind.DENY);
        assertThat(timedOut.error()).endsWith("context deadline exceeded");
        assertThat(receiver.calls()).as("a timeout is not tried again").hasSize(2);
    }
}

package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.testing.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kubectl, unchanged, against the server started with both of kube's webhooks: a token only the authentication
 * webhook knows is the user it answers ({@code kubectl auth whoami}), and with {@code --authorization-mode=RBAC,Webhook}
 * what RBAC does not allow that user is what the authorization webhook decides ({@code kubectl get}, {@code kubectl
 * auth can-i}), its denial's reason in kubectl's error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookAuthIT {

    @Test
    void kubectlWithATokenOnlyTheWebhooksKnow() throws Exception {
        try (WebhookReceiver authn = WebhookReceiver.create(); WebhookReceiver authz = WebhookReceiver.create()) {
            authn.answer(WebhookAuthIT::tokenReview);
            authz.answer(WebhookAuthIT::accessReview);
            Path dir = Files.createDirectories(KapiServerExtension.e2eDir().resolve("webhook-auth-" + System.nanoTime()));
            Path authnConf = authn.kubeconfig(dir.resolve("authn"), "      token: kapi-to-authn");
            Path authzConf = authz.kubeconfig(dir.resolve("authz"), "      token: kapi-to-authz");
            try (KapiServer server = KapiServer.start("webhook-auth", dir.resolve("data"), List.of(
                    "--authentication-token-webhook-config-file=" + authnConf,
                    "--authorization-mode=RBAC,Webhook", "--authorization-webhook-config-file=" + authzConf,
                    "--authorization-webhook-version=v1"))) {
                Kubectl alice = Kubectl.named("kubectl").withKubeconfig(server.tokenKubeconfig("alice", "idp-token-alice"));
                Kubectl.Result whoami = alice.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
                assertThat(whoami.exit()).as(whoami.toString()).isZero();
                assertThat(whoami.out()).startsWith("alice@idp ").contains("readers").contains("system:authenticated");

                Kubectl.Result get = alice.run("get", "configmaps", "-n", "default");
                assertThat(get.exit()).as(get.toString()).isZero();
                Kubectl.Result secrets = alice.run("get", "secrets", "-n", "default");
                assertThat(secrets.exit()).isNotZero();
                assertThat(secrets.err()).contains("Forbidden").contains("secrets are off limits");
                assertThat(alice.run("auth", "can-i", "list", "configmaps", "-n", "kube-system").out().strip())
                        .isEqualTo("yes");
                assertThat(alice.run("auth", "can-i", "delete", "secrets").out().strip()).isEqualTo("no - secrets are off limits");

                Kubectl stranger = Kubectl.named("kubectl").withKubeconfig(server.tokenKubeconfig("x", "unknown-token"));
                Kubectl.Result refused = stranger.run("get", "configmaps", "-n", "default");
                assertThat(refused.exit()).isNotZero();
                assertThat(refused.err()).contains("Unauthorized");
            }
            assertThat(authz.calls()).allSatisfy(c -> {
                assertThat(c.authorization()).isEqualTo("Bearer kapi-to-authz");
                assertThat(c.body().path("apiVersion").asString()).isEqualTo("authorization.k8s.io/v1");
                assertThat(c.body().path("spec").path("user").asString()).isEqualTo("alice@idp");
            });
        }
    }

    /**
     * The same decisions through {@code --authorization-config}: the webhook asked only about namespace default
     * (its match condition), RBAC after it; kubectl sees the webhook's allow, its denial, and RBAC's refusal of
     * what the webhook was not asked about.
     */
    @Test
    void kubectlWithTheStructuredAuthorizationConfiguration() throws Exception {
        try (WebhookReceiver authn = WebhookReceiver.create(); WebhookReceiver authz = WebhookReceiver.create()) {
            authn.answer(WebhookAuthIT::tokenReview);
            authz.answer(WebhookAuthIT::accessReview);
            Path dir = Files.createDirectories(KapiServerExtension.e2eDir().resolve("authz-config-" + System.nanoTime()));
            Path authnConf = authn.kubeconfig(dir.resolve("authn"), "");
            Path authzConf = authz.kubeconfig(dir.resolve("authz"), "      token: kapi-to-authz");
            Path config = Files.writeString(dir.resolve("authorization-config.yaml"), """
                    apiVersion: apiserver.config.k8s.io/v1
                    kind: AuthorizationConfiguration
                    authorizers:
                    - type: Webhook
                      name: default-policy
                      webhook:
                        timeout: 3s
                        subjectAccessReviewVersion: v1
                        matchConditionSubjectAccessReviewVersion: v1
                        failurePolicy: Deny
                        connectionInfo: {type: KubeConfigFile, kubeConfigFile: %s}
                        matchConditions:
                        - expression: has(request.resourceAttributes) && request.resourceAttributes.namespace == 'default'
                    - type: RBAC
                      name: rbac
                    """.formatted(authzConf));
            try (KapiServer server = KapiServer.start("authz-config", dir.resolve("data"), List.of(
                    "--authentication-token-webhook-config-file=" + authnConf, "--authorization-config=" + config))) {
                Kubectl alice = Kubectl.named("kubectl").withKubeconfig(server.tokenKubeconfig("alice", "idp-token-alice"));
                Kubectl.Result get = alice.run("get", "configmaps", "-n", "default");
                assertThat(get.exit()).as(get.toString()).isZero();
                Kubectl.Result secrets = alice.run("get", "secrets", "-n", "default");
                assertThat(secrets.exit()).isNotZero();
                assertThat(secrets.err()).contains("Forbidden").contains("secrets are off limits");
                Kubectl.Result elsewhere = alice.run("get", "configmaps", "-n", "kube-system");
                assertThat(elsewhere.exit()).as("not matched: RBAC decides").isNotZero();
                assertThat(elsewhere.err()).contains("Forbidden").doesNotContain("readers read configmaps");
                assertThat(alice.run("auth", "can-i", "list", "configmaps", "-n", "default").out().strip())
                        .isEqualTo("yes");
                Kubectl.Result rules = alice.run("auth", "can-i", "--list", "-n", "default");
                assertThat(rules.out() + rules.err()).contains("webhook authorizer does not support user rule resolution");
            }
            assertThat(authz.calls()).isNotEmpty().allSatisfy(c -> assertThat(c.body().at("/spec/resourceAttributes/namespace")
                    .asString()).isEqualTo("default"));
        }
    }

    private static JsonNode tokenReview(JsonNode review) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("apiVersion", "authentication.k8s.io/v1")
                .put("kind", "TokenReview");
        ObjectNode status = answer.putObject("status");
        if (review.path("spec").path("token").asString().equals("idp-token-alice")) {
            status.put("authenticated", true).putObject("user").put("username", "alice@idp")
                    .putArray("groups").add("readers");
        } else {
            status.put("authenticated", false);
        }
        return answer;
    }

    private static JsonNode accessReview(JsonNode review) {
        JsonNode attributes = review.path("spec").path("resourceAttributes");
        ObjectNode answer = Json.MAPPER.createObjectNode().put("apiVersion", "authorization.k8s.io/v1")
                .put("kind", "SubjectAccessReview");
        ObjectNode status = answer.putObject("status");
        String resource = attributes.path("resource").asString("");
        String verb = attributes.path("verb").asString("");
        if (resource.equals("configmaps") && List.of("get", "list", "watch").contains(verb)) {
            status.put("allowed", true).put("reason", "readers read configmaps");
        } else if (resource.equals("secrets")) {
            status.put("allowed", false).put("denied", true).put("reason", "secrets are off limits");
        } else {
            status.put("allowed", false);
        }
        return answer;
    }
}

package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.JwtIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kubectl, unchanged, with ID tokens of an issuer named by {@code --authentication-config}: the user is who the CEL
 * mapping says ({@code kubectl auth whoami}), RBAC decides for it, and a token the user rule refuses is Unauthorized.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StructuredAuthenticationIT {

    @Test
    void kubectlWithIdTokensOfAConfiguredIssuer() throws Exception {
        try (JwtIssuer issuer = JwtIssuer.start()) {
            Path dir = Files.createDirectories(KapiServerExtension.e2eDir().resolve("authn-config-" + System.nanoTime()));
            Path config = Files.writeString(dir.resolve("authentication-config.yaml"), """
                    apiVersion: apiserver.config.k8s.io/v1beta1
                    kind: AuthenticationConfiguration
                    jwt:
                    %s  claimMappings:
                        username: {expression: '"sso:" + claims.sub'}
                        groups: {expression: 'claims.roles.map(r, "sso:" + r)'}
                      userValidationRules:
                      - expression: "!user.username.startsWith('sso:system')"
                        message: reserved names
                    """.formatted(issuer.configEntry("[kapi]")));
            try (KapiServer server = KapiServer.start("authn-config", dir.resolve("data"),
                    List.of("--authentication-config=" + config))) {
                String token = issuer.token("kapi", Map.of("sub", "alice", "roles", List.of("readers")));
                Kubectl alice = Kubectl.named("kubectl").withKubeconfig(server.tokenKubeconfig("alice", token));
                Kubectl.Result whoami = alice.run("auth", "whoami", "-o",
                        "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
                assertThat(whoami.exit()).as(whoami.toString()).isZero();
                assertThat(whoami.out()).startsWith("sso:alice ").contains("sso:readers")
                        .contains("system:authenticated");
                Kubectl.Result refused = alice.run("get", "configmaps", "-n", "default");
                assertThat(refused.exit()).isNotZero();
                assertThat(refused.err()).contains("Forbidden").contains("\"sso:alice\"");

                Kubectl admin = Kubectl.named("kubectl").withKubeconfig(server.kubeconfig());
                assertThat(admin.run("create", "rolebinding", "sso-readers", "-n", "default", "--clusterrole=view",
                        "--group=sso:readers").exit()).isZero();
                Kubectl.Result allowed = alice.run("get", "configmaps", "-n", "default");
                assertThat(allowed.exit()).as(allowed.toString()).isZero();

                String reserved = issuer.token("kapi", Map.of("sub", "system:admin", "roles", List.of("readers")));
                Kubectl.Result unauthorized = Kubectl.named("kubectl")
                        .withKubeconfig(server.tokenKubeconfig("mallory", reserved)).run("get", "configmaps");
                assertThat(unauthorized.exit()).isNotZero();
                assertThat(unauthorized.err()).contains("Unauthorized");
            }
        }
    }
}

package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.JwtIssuer;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --authentication-config}: users of an OIDC issuer named by CEL, a user rule that keeps them out of
 * {@code system:}, and anonymous requests allowed on {@code /livez} only. A token the issuer signed but the rules
 * refuse, a token of an unknown issuer or a broken one is a 401, never anonymous; no path spelling reaches another
 * resource anonymously.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StructuredAuthenticationTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-authn-config-");
    static final JwtIssuer ISSUER = JwtIssuer.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path tokens = Files.writeString(DATA_DIR.resolve("tokens.csv"), "m-token,mon,22,system:masters\n");
        writeConfig("oidc:", "/livez");
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("authentication-config", CONFIG::toString);
        registry.add("kapi.authentication-config-check-interval", () -> "100ms");
    }

    static final Path CONFIG = DATA_DIR.resolve("authentication-config.yaml");

    static void writeConfig(String prefix, String anonymousPath) throws IOException {
        Path next = Files.writeString(DATA_DIR.resolve("next.yaml"), """
                apiVersion: apiserver.config.k8s.io/v1beta1
                kind: AuthenticationConfiguration
                jwt:
                %s  claimMappings:
                    username: {expression: '"%s" + claims.sub'}
                    groups: {claim: groups, prefix: "oidc:"}
                  userValidationRules:
                  - expression: "!user.username.startsWith('oidc:system')"
                    message: reserved
                anonymous:
                  enabled: true
                  conditions: [{path: %s}]
                """.formatted(ISSUER.configEntry("[kapi]"), prefix, anonymousPath));
        Files.move(next, CONFIG, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        ISSUER.close();
    }

    @Test
    void theIssuersUsersAreWhoTheMappingSaysAndRbacDecidesForThem() throws IOException {
        String alice = ISSUER.token("kapi", Map.of("sub", "alice", "groups", "readers"));
        try (RawHttps asAlice = http(alice); RawHttps admin = http("m-token")) {
            RawHttps.Response refused = asAlice.send("GET", "/api/v1/namespaces/default/configmaps", null, null);
            assertThat(refused.code()).isEqualTo(403);
            assertThat(refused.body()).contains("User \\\"oidc:alice\\\" cannot list resource \\\"configmaps\\\"")
                    .doesNotContain("\"items\"");
            assertThat(admin.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                    "application/json", """
                            {"metadata":{"name":"oidc-readers"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
                             "kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"oidc:readers"}]}
                            """).code()).isEqualTo(201);
            assertThat(asAlice.send("GET", "/api/v1/namespaces/default/configmaps", null, null).code()).isEqualTo(200);
            RawHttps.Response review = admin.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                    "application/json", "{\"spec\":{\"token\":\"" + alice + "\"}}");
            assertThat(review.body()).contains("\"authenticated\":true").contains("\"username\":\"oidc:alice\"")
                    .contains("\"oidc:readers\"");
        }
    }

    @Test
    void tokensTheRulesRefuseAndTokensOfNoIssuerAreNeverAnonymous() throws IOException {
        String reserved = ISSUER.token("kapi", Map.of("sub", "system:admin", "groups", "readers"));
        String otherAudience = ISSUER.token("vault", Map.of("sub", "alice"));
        String unknownIssuer;
        try (JwtIssuer stranger = JwtIssuer.start()) {
            unknownIssuer = stranger.token("kapi", Map.of("sub", "alice"));
        }
        for (String token : new String[] {reserved, otherAudience, unknownIssuer, "garbage"}) {
            try (RawHttps t = http(token)) {
                for (String path : new String[] {"/livez", "/api/v1/namespaces/default/configmaps", "/version"}) {
                    RawHttps.Response r = t.send("GET", path, null, null);
                    assertThat(r.code()).as(path).isEqualTo(401);
                    assertThat(r.body()).doesNotContain("\"items\"").doesNotContain("gitVersion");
                }
            }
        }
    }

    @Test
    void anonymousRequestsAreServedOnTheConditionsPathsOnly() throws IOException {
        try (RawHttps anonymous = http(null)) {
            assertThat(anonymous.send("GET", "/livez", null, null).code()).isEqualTo(200);
            assertThat(anonymous.send("GET", "/livez?verbose", null, null).code()).isEqualTo(200);
            assertThat(anonymous.send("GET", "/%6Civez", null, null).code()).isEqualTo(200);
            for (String path : new String[] {"/readyz", "/livez/", "/livez/ping", "/LIVEZ", "/version", "/api",
                    "/api/v1/namespaces/default/configmaps", "/openapi/v3", "/livez/../api/v1/secrets",
                    "/livez%2F..%2Fapi", "/livez;/api"}) {
                RawHttps.Response r = anonymous.send("GET", path, null, null);
                assertThat(r.code()).as(path).isIn(400, 401);
                assertThat(r.body()).as(path).doesNotContain("\"items\"").doesNotContain("gitVersion")
                        .doesNotContain("\"paths\"");
            }
            assertThat(anonymous.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                    "{\"metadata\":{\"name\":\"anon\"}}").code()).isEqualTo(401);
        }
    }

    @Test
    void aChangedFileIsReadAgainButItsAnonymousSectionMayNotChange() throws IOException {
        String alice = ISSUER.token("kapi", Map.of("sub", "alice"));
        try (RawHttps admin = http("m-token"); RawHttps anonymous = http(null)) {
            writeConfig("sso:", "/livez");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.send("POST",
                    "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                    "{\"spec\":{\"token\":\"" + alice + "\"}}").body()).contains("\"username\":\"sso:alice\""));
            assertThat(admin.send("GET", "/metrics", null, null, "text/plain").body()).contains(
                    "apiserver_authentication_config_controller_automatic_reloads_total{apiserver_id_hash=\"sha256:");
            // a new anonymous section is refused: the authenticators and the anonymous paths in use stay
            writeConfig("other:", "/version");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.send("GET", "/metrics", null,
                    null, "text/plain").body()).containsPattern(
                    "apiserver_authentication_config_controller_automatic_reloads_total\\{[^}]*status=\"failure\""));
            assertThat(anonymous.send("GET", "/version", null, null).code()).isEqualTo(401);
            assertThat(admin.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                    "{\"spec\":{\"token\":\"" + alice + "\"}}").body()).contains("\"username\":\"sso:alice\"");
        } finally {
            writeConfig("oidc:", "/livez");
            try (RawHttps admin = http("m-token")) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.send("POST",
                        "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                        "{\"spec\":{\"token\":\"" + alice + "\"}}").body())
                        .contains("\"username\":\"oidc:alice\""));
            }
        }
    }

    private RawHttps http(String token) {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        SSLContext ssl = TlsClients.sslContext(ca.certificate(), null);
        return new RawHttps(ssl, port, token);
    }
}

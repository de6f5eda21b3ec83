package dev.kapi.apiserver.server;

import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import dev.kapi.testprovider.OidcProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bearer tokens over real TLS with the real RBAC authorizer: tokens of a real OIDC provider
 * ({@link OidcProvider}, started before the server, named by {@code --oidc-issuer-url}) and ServiceAccount
 * tokens from the TokenRequest endpoint. Clients trust Kapi's CA and present no client certificate; the
 * admin presents a system:masters certificate.
 */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenServingTest {

    static final OidcProvider PROVIDER = OidcProvider.start();
    static final Path DATA_DIR = TestDataDirs.create("kapi-tokens-");
    static final String OIDC_USER = "oidc:kubernetes@example.com";
    static final List<String> OIDC_GROUPS = List.of("oidc-group:dev", "oidc-group:ops", "system:authenticated");
    static final String UNAUTHORIZED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";
    static final String SELF_REVIEW = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("oidc-issuer-url", PROVIDER::issuer);
        registry.add("oidc-ca-file", () -> PROVIDER.caFile().toString());
        registry.add("oidc-client-id", () -> "kubernetes");
        registry.add("oidc-username-claim", () -> "email");
        registry.add("oidc-username-prefix", () -> "oidc:");
        registry.add("oidc-groups-claim", () -> "groups");
        registry.add("oidc-groups-prefix", () -> "oidc-group:");
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @LocalServerPort
    int port;

    HttpClient admin;
    HttpClient noCertificate;

    @BeforeEach
    void clients() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        noCertificate = TlsClients.httpClient(ca.certificate(), null);
    }

    @Test
    void providerTokenIsThePrefixedUserAndRbacApplies() throws Exception {
        String token = PROVIDER.token("kubernetes");
        assertThat(selfSubjectReview(token)).isEqualTo(new Reviewed(OIDC_USER, OIDC_GROUPS));

        HttpResponse<String> forbidden = send(noCertificate, get(CONFIGMAPS, token));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(forbidden.body()).path("message").asString()).isEqualTo(
                "configmaps is forbidden: User \"" + OIDC_USER + "\" cannot list resource \"configmaps\" in API"
                        + " group \"\" in the namespace \"default\"");

        HttpResponse<String> bound = send(admin, post("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                null, """
                        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
                         "metadata":{"name":"oidc-view"},
                         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
                         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"%s"}]}
                        """.formatted(OIDC_USER)));
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> list = send(noCertificate, get(CONFIGMAPS, token));
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(list.body()).path("kind").asString()).isEqualTo("ConfigMapList");
        });
    }

    record BadToken(String name, ThrowingSupplier token) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface ThrowingSupplier {
        String get() throws Exception;
    }

    static Stream<BadToken> badTokens() {
        return Stream.of(
                new BadToken("token for another client id (wrong audience)", () -> PROVIDER.token("other")),
                new BadToken("tampered payload (another email)", () -> tamper(PROVIDER.token("kubernetes"))),
                new BadToken("signature of another token", () -> {
                    String[] mine = PROVIDER.token("kubernetes").split("\\.");
                    String[] theirs = PROVIDER.token("other").split("\\.");
                    return mine[0] + "." + mine[1] + "." + theirs[2];
                }),
                new BadToken("unsigned (alg none) with the issuer", () -> {
                    String[] parts = PROVIDER.token("kubernetes").split("\\.");
                    return base64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badProviderTokensAre401AndNothingIsStored(BadToken bad) throws Exception {
        assertRefused(bad.token().get());
    }

    @Test
    void providerTokenIsRefusedOnceExpired() throws Exception {
        String token = PROVIDER.token("shortlived");
        Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
        assertThat(selfSubjectReview(token).username()).isEqualTo("oidc:shortlived@example.com");

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), exp).toMillis()) + 200);
        assertRefused(token);
    }

    @Test
    void serviceAccountTokenWorksUntilTheServiceAccountIsDeleted() throws Exception {
        String sa = "robot-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send(admin, post("/api/v1/namespaces/default/serviceaccounts", null,
                "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + sa + "\"}}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> issued = send(admin, post("/api/v1/namespaces/default/serviceaccounts/" + sa + "/token",
                null, "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String token = Json.MAPPER.readTree(issued.body()).path("status").path("token").asString();

        assertThat(selfSubjectReview(token)).isEqualTo(new Reviewed("system:serviceaccount:default:" + sa,
                List.of("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated")));

        HttpResponse<String> deleted = send(admin, HttpRequest.newBuilder(
                uri("/api/v1/namespaces/default/serviceaccounts/" + sa)).DELETE());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertRefused(token));
    }

    record Reviewed(String username, List<String> groups) {
    }

    /** POST selfsubjectreviews with the token: 201 and the user it names. */
    private Reviewed selfSubjectReview(String token) throws Exception {
        HttpResponse<String> res = send(noCertificate, post(SELF_REVIEW, token,
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        JsonNode user = Json.MAPPER.readTree(res.body()).path("status").path("userInfo");
        List<String> groups = user.path("groups").valueStream().map(JsonNode::asString).toList();
        return new Reviewed(user.path("username").asString(), groups);
    }

    /** A write with the token is 401 with kube's Unauthorized Status, and the object is not stored. */
    private void assertRefused(String token) throws Exception {
        String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> res = send(noCertificate, post(CONFIGMAPS, token,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(res.body())).isEqualTo(Json.MAPPER.readTree(UNAUTHORIZED));
        assertThat(send(admin, HttpRequest.newBuilder(uri(CONFIGMAPS + "/" + name)).GET()).statusCode())
                .isEqualTo(404);
        assertThat(send(noCertificate, post(SELF_REVIEW, token,
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")).statusCode())
                .isEqualTo(401);
    }

    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("kubernetes@example.com", "admin@example.com");
        return parts[0] + "." + base64(payload) + "." + parts[2];
    }

    private static String base64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    private HttpRequest.Builder get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET();
    }

    private HttpRequest.Builder post(String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Real TLS connections to a server with a token file and a stand-in RBAC authorizer that allows everything
 * except impersonation (for everyone but system:masters) and resources for anonymous users.
 */
@ExtendWith(EtcdExtension.class)
// the stand-in below replaces the real RBAC authorizer bean of the same name
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.allow-bean-definition-overriding=true")
class SecureServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-tls-");
    static final List<AuthorizationAttributes> SEEN = new CopyOnWriteArrayList<>();
    static final String UNAUTHORIZED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path tokens = DATA_DIR.resolve("tokens.csv");
        Files.writeString(tokens, "bob-token,bob,1001,\"dev,qa\"\n");
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("write-kubeconfig", () -> DATA_DIR.resolve("admin.kubeconfig").toString());
        registry.add("authorization-mode", () -> "RBAC");
    }

    /**
     * Stands in for RBAC (another helper's): records what it is asked for requests (the clusterrole aggregation
     * controller's escalation checks, made by its writes' admission, are not recorded).
     */
    @TestConfiguration
    static class StandInRbac {
        @Bean
        Authorizer rbacAuthorizer() {
            return a -> {
                if (!a.user().equals(SystemUsers.CLUSTERROLE_AGGREGATION_CONTROLLER)) {
                    SEEN.add(a);
                }
                if (a.verb().equals("impersonate")) {
                    return Decision.noOpinion("");
                }
                boolean anonymous = a.user().groups().contains("system:unauthenticated");
                return anonymous && a.resourceRequest() ? Decision.noOpinion("") : Decision.allow("");
            };
        }
    }

    @LocalServerPort
    int port;

    Certificates.Issued ca;

    @BeforeEach
    void setUp() {
        ca = TlsClients.ca(DATA_DIR);
        SEEN.clear();
    }

    @Test
    void adminClientCertificateIsAllowed() throws Exception {
        HttpResponse<String> res = send(admin(), get("/api/v1/namespaces/default"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(SEEN).isEmpty(); // system:masters is allowed before RBAC is asked
    }

    @Test
    void tokenFromTheTokenFileNamesTheUser() throws Exception {
        HttpResponse<String> res = send(anonymousClient(), get("/api/v1/namespaces/default/configmaps")
                .header("Authorization", "Bearer bob-token"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(SEEN).singleElement().satisfies(a -> {
            assertThat(a.user()).isEqualTo(new UserInfo("bob", "1001", List.of("dev", "qa", "system:authenticated"),
                    Map.of()));
            assertThat(a.verb()).isEqualTo("list");
        });
    }

    @Test
    void noCredentialsIsAnonymous() throws Exception {
        HttpResponse<String> health = send(anonymousClient(), get("/healthz"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(SEEN).singleElement().extracting(AuthorizationAttributes::user)
                .isEqualTo(UserInfo.anonymous());

        HttpResponse<String> res = send(anonymousClient(), get("/api/v1/namespaces/default/configmaps"));
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(res.body()).path("message").asString()).isEqualTo(
                "configmaps is forbidden: User \"system:anonymous\" cannot list resource \"configmaps\" in API"
                        + " group \"\" in the namespace \"default\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer unknown-token", "Bearer ", "Bearer", "bearer bob-token-x", "Basic Ym9iOnB3",
            "garbage", "Bearer bob-token,"})
    void badCredentialsAre401AndNothingIsStored(String authorization) throws Exception {
        String name = "cm-" + Math.abs(authorization.hashCode());
        HttpResponse<String> res = send(anonymousClient(), post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}")
                .header("Authorization", authorization));
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(res.body())).isEqualTo(Json.MAPPER.readTree(UNAUTHORIZED));
        assertThat(send(admin(), get("/api/v1/namespaces/default/configmaps/" + name)).statusCode()).isEqualTo(404);
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() throws Exception {
        Certificates.Issued otherCa = Certificates.selfSignedCa("other-ca", java.time.Duration.ofDays(1));
        Certificates.Issued mallory = TlsClients.clientCert(otherCa, "system:admin", "system:masters");
        HttpClient client = TlsClients.httpClient(ca.certificate(), mallory);
        HttpResponse<String> res = send(client, get("/api/v1/namespaces"));
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(res.body())).isEqualTo(Json.MAPPER.readTree(UNAUTHORIZED));
    }

    @Test
    void mastersMayImpersonate() throws Exception {
        HttpResponse<String> res = send(admin(), get("/api/v1/namespaces/default/configmaps")
                .header("Impersonate-User", "alice").header("Impersonate-Group", "devs")
                .header("Impersonate-Extra-Scopes", "view"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(SEEN).singleElement().extracting(AuthorizationAttributes::user).isEqualTo(new UserInfo(
                "alice", "", List.of("devs", "system:authenticated"), Map.of("scopes", List.of("view"))));
    }

    @Test
    void impersonationNeedsThePermission() throws Exception {
        HttpResponse<String> res = send(anonymousClient(), get("/api/v1/namespaces/default/configmaps")
                .header("Authorization", "Bearer bob-token").header("Impersonate-User", "alice"));
        assertThat(res.statusCode()).isEqualTo(403);
        JsonNode status = Json.MAPPER.readTree(res.body());
        assertThat(status.path("message").asString()).isEqualTo("users \"alice\" is forbidden: User \"bob\" cannot"
                + " impersonate resource \"users\" in API group \"\" at the cluster scope");
        assertThat(status.path("details").path("kind").asString()).isEqualTo("users");
    }

    @Test
    void impersonatingAGroupWithoutAUserIsABadRequest() throws Exception {
        HttpResponse<String> res = send(admin(), get("/api/v1/namespaces").header("Impersonate-Group", "devs"));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("without impersonating a user");
    }

    @Test
    void writtenKubeconfigWorksWithKubectl() throws Exception {
        Path kubeconfig = DATA_DIR.resolve("admin.kubeconfig");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
        assertThat(Files.readString(kubeconfig)).contains("server: https://127.0.0.1:" + port);
        assertThat(kubectl(kubeconfig, "get", "ns")).contains("default").contains("kube-system");
        assertThat(kubectl(kubeconfig, "--as=alice", "get", "ns", "default", "-o", "name"))
                .isEqualTo("namespace/default\n");
        assertThat(SEEN).anySatisfy(a -> assertThat(a.user().name()).isEqualTo("alice"));
    }

    private String kubectl(Path kubeconfig, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private HttpClient admin() {
        return TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
    }

    private HttpClient anonymousClient() {
        return TlsClients.httpClient(ca.certificate(), null);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

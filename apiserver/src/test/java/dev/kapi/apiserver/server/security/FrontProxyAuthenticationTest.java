package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Front-proxy authentication over real TLS ({@code --requestheader-*} as kubeadm sets them): the proxy's client
 * certificate, from the front-proxy CA with the allowed CN, makes its {@code X-Remote-*} headers name the user,
 * who is then authorized as that user. The same headers from anyone else name no one: a user's certificate from
 * Kapi's own CA, a front-proxy certificate with another CN, a bearer token, or no credential at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FrontProxyAuthenticationTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-front-proxy-");
    static final Certificates.Issued FRONT_CA = Certificates.selfSignedCa("front-proxy-ca", Duration.ofDays(1));
    static final String MALLORY_TOKEN = "mallory-token-0123456789";
    static final String REVIEW = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";
    static final String REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("controllers", () -> "-*");
        registry.add("requestheader-client-ca-file", () -> write("front-proxy-ca.crt",
                Pem.certificates(List.of(FRONT_CA.certificate()))));
        registry.add("requestheader-allowed-names", () -> "front-proxy-client");
        registry.add("requestheader-username-headers", () -> "X-Remote-User");
        registry.add("requestheader-group-headers", () -> "X-Remote-Group");
        registry.add("requestheader-extra-headers-prefix", () -> "X-Remote-Extra-");
        registry.add("token-auth-file", () -> write("tokens.csv", MALLORY_TOKEN + ",mallory,1001\n"));
    }

    @LocalServerPort
    int port;

    @Test
    void theProxyNamesTheUserAndTheUserIsAuthorizedAsNamed() throws IOException {
        try (RawHttps proxy = proxy("front-proxy-client")) {
            proxy.header("X-Remote-User", "alice").header("X-Remote-Group", "devs").header("X-Remote-Group", "qa")
                    .header("X-Remote-Extra-Acme.com%2Fproject", "kapi");
            JsonNode user = whoami(proxy);
            assertThat(user.path("username").asString()).isEqualTo("alice");
            assertThat(user.path("groups").toString()).isEqualTo("[\"devs\",\"qa\",\"system:authenticated\"]");
            assertThat(user.path("extra").toString()).isEqualTo("{\"acme.com/project\":[\"kapi\"]}");
            RawHttps.Response secrets = proxy.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null);
            assertThat(secrets.code()).as(secrets.body()).isEqualTo(403);
            assertThat(secrets.body()).contains("User \\\"alice\\\" cannot list resource \\\"secrets\\\"");
        }
        try (RawHttps proxy = proxy("front-proxy-client")) { // as in kube, the proxy may name system:masters
            proxy.header("X-Remote-User", "ops").header("X-Remote-Group", "system:masters");
            assertThat(proxy.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null).code()).isEqualTo(200);
        }
    }

    /**
     * kube's published trust: {@code kube-system/extension-apiserver-authentication} names the client CAs and the
     * front proxy's settings, and kube's bootstrap Role lets the controller manager's user read it and nothing else.
     */
    @Test
    void theTrustIsPublishedForDelegatingServersToRead() throws IOException {
        String path = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";
        JsonNode data = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            try (RawHttps proxy = proxy("front-proxy-client")) {
                proxy.header("X-Remote-User", "system:kube-controller-manager");
                RawHttps.Response r = proxy.send("GET", path, null, null);
                return r.code() == 200 ? Json.MAPPER.readTree(r.body()).path("data") : null;
            }
        }, java.util.Objects::nonNull);
        assertThat(data.path("client-ca-file").asString()).startsWith("-----BEGIN CERTIFICATE-----")
                .contains(Pem.certificates(List.of(TlsClients.ca(DATA_DIR).certificate())).trim());
        assertThat(data.path("requestheader-client-ca-file").asString())
                .isEqualTo(Pem.certificates(List.of(FRONT_CA.certificate())));
        assertThat(data.path("requestheader-username-headers").asString()).isEqualTo("[\"X-Remote-User\"]");
        assertThat(data.path("requestheader-group-headers").asString()).isEqualTo("[\"X-Remote-Group\"]");
        assertThat(data.path("requestheader-extra-headers-prefix").asString()).isEqualTo("[\"X-Remote-Extra-\"]");
        assertThat(data.path("requestheader-allowed-names").asString()).isEqualTo("[\"front-proxy-client\"]");
        try (RawHttps proxy = proxy("front-proxy-client")) {
            proxy.header("X-Remote-User", "system:kube-controller-manager");
            assertThat(proxy.send("GET", "/api/v1/namespaces/kube-system/configmaps/other", null, null).code())
                    .as("the reader role names only this ConfigMap").isEqualTo(403);
        }
        try (RawHttps proxy = proxy("front-proxy-client")) {
            proxy.header("X-Remote-User", "ops").header("X-Remote-Group", "system:masters");
            RawHttps.Response role = proxy.send("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/"
                    + "roles/system::leader-locking-kube-scheduler", null, null);
            assertThat(role.code()).as(role.body()).isEqualTo(200);
            assertThat(role.body()).contains("rbac-defaults").contains("\"kube-scheduler\"");
            assertThat(proxy.send("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/rolebindings/"
                    + "system:controller:bootstrap-signer", null, null).code()).isEqualTo(200);
        }
    }

    @Test
    void theHeadersOfAnyoneButTheProxyNameNoOne() throws IOException {
        Certificates.Issued kapiCa = TlsClients.ca(DATA_DIR);
        // a user's own certificate (Kapi's CA, even named like the proxy): the certificate's user, headers ignored
        try (RawHttps user = new RawHttps(TlsClients.sslContext(kapiCa.certificate(),
                TlsClients.clientCert(kapiCa, "front-proxy-client")), port, null)) {
            claimMasters(user);
            assertThat(whoami(user).path("username").asString()).isEqualTo("front-proxy-client");
            assertThat(user.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null).code()).isEqualTo(403);
        }
        // a bearer token: its user
        try (RawHttps mallory = new RawHttps(ssl(null), port, MALLORY_TOKEN)) {
            claimMasters(mallory);
            assertThat(whoami(mallory).path("username").asString()).isEqualTo("mallory");
            assertThat(mallory.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null).code())
                    .isEqualTo(403);
        }
        // nothing: anonymous
        try (RawHttps anonymous = new RawHttps(ssl(null), port, null)) {
            claimMasters(anonymous);
            RawHttps.Response res = anonymous.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null);
            assertThat(res.code()).isEqualTo(403);
            assertThat(res.body()).contains("system:anonymous");
        }
        // the front-proxy CA with a CN that is not allowed, or the proxy without a user header: 401, kube's union
        // having no other authenticator that accepts the certificate
        try (RawHttps other = proxy("someone-else")) {
            claimMasters(other);
            RawHttps.Response res = other.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null);
            assertThat(res.code()).as(res.body()).isEqualTo(401);
            assertThat(res.body()).contains("\"kind\":\"Status\"").doesNotContain("\"items\"");
        }
        try (RawHttps proxy = proxy("front-proxy-client")) {
            proxy.header("X-Remote-Group", "system:masters");
            RawHttps.Response res = proxy.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null);
            assertThat(res.code()).as(res.body()).isEqualTo(401);
        }
    }

    /** The proxy's user may impersonate only what RBAC lets that user impersonate. */
    @Test
    void aProxiedUserImpersonatesOnlyWithTheRight() throws IOException {
        try (RawHttps proxy = proxy("front-proxy-client")) {
            proxy.header("X-Remote-User", "alice").header("Impersonate-User", "system:admin")
                    .header("Impersonate-Group", "system:masters");
            RawHttps.Response res = proxy.send("GET", "/api/v1/namespaces/kube-system/secrets", null, null);
            assertThat(res.code()).as(res.body()).isEqualTo(403);
            assertThat(res.body()).contains("User \\\"alice\\\" cannot impersonate");
        }
    }

    private static void claimMasters(RawHttps client) {
        client.header("X-Remote-User", "system:admin").header("X-Remote-Group", "system:masters")
                .header("X-Remote-Extra-Scopes", "all");
    }

    private static JsonNode whoami(RawHttps client) throws IOException {
        RawHttps.Response res = client.send("POST", REVIEWS, "application/json", REVIEW);
        assertThat(res.code()).as(res.body()).isEqualTo(201);
        JsonNode user = Json.MAPPER.readTree(res.body()).path("status").path("userInfo");
        assertThat(user.toString()).doesNotContain("system:masters", "system:admin", "scopes");
        return user;
    }

    private RawHttps proxy(String commonName) {
        return new RawHttps(ssl(Certificates.client(FRONT_CA, commonName, List.of(), Duration.ofHours(1))), port, null);
    }

    private static SSLContext ssl(Certificates.Issued client) {
        return TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(), client);
    }

    private static String write(String name, String content) {
        try {
            Path file = DATA_DIR.resolve(name);
            Files.writeString(file, content);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

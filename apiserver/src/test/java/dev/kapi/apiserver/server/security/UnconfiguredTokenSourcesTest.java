package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token authenticators that are always defined now, whatever the flags (so that bean definitions never depend
 * on flags): without {@code --token-auth-file} and {@code --oidc-issuer-url} they must know no token. A bearer
 * token that would be a static token, an unsigned OIDC-shaped JWT naming an admin, and one claiming a
 * ServiceAccount are each a 401 {@code Status} with no data, never the anonymous user nor anyone else, on a
 * server that allows anonymous requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UnconfiguredTokenSourcesTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-security-");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void noTokenIsKnownWithoutTheFlagsThatNameTokenSources() throws IOException {
        for (String token : List.of("mallory-token-0123456789", unsignedJwt("https://idp.example", "admin"),
                unsignedJwt("https://kubernetes.default.svc.cluster.local",
                        "system:serviceaccount:kube-system:default"))) {
            try (RawHttps http = new RawHttps(ssl(), port, token)) {
                for (String path : List.of("/api/v1/namespaces/kube-system/secrets", "/api/v1/namespaces",
                        "/apis/authentication.k8s.io/v1/selfsubjectreviews")) {
                    String method = path.contains("selfsubjectreviews") ? "POST" : "GET";
                    String body = method.equals("POST")
                            ? "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}" : null;
                    RawHttps.Response res = http.send(method, path, body == null ? null : "application/json", body);
                    assertThat(res.code()).as(method + " " + path + " with " + token + ": " + res.body()).isEqualTo(401);
                    assertThat(res.body()).contains("\"kind\":\"Status\"").contains("\"reason\":\"Unauthorized\"")
                            .doesNotContain("\"items\"").doesNotContain("system:anonymous").doesNotContain("admin");
                }
            }
        }
        // the same server answers an anonymous request as anonymous: the 401s above are the tokens'
        try (RawHttps anonymous = new RawHttps(ssl(), port, null)) {
            assertThat(anonymous.send("GET", "/api/v1/namespaces", null, null).code()).isEqualTo(403);
        }
    }

    private static String unsignedJwt(String issuer, String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject
                + "\",\"aud\":[\"kubernetes\"],\"exp\":4102444800}").getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static SSLContext ssl() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        return TlsClients.sslContext(ca.certificate(), null);
    }
}

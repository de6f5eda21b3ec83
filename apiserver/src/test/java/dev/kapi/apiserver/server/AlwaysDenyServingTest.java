package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --authorization-mode=AlwaysDeny}: only system:masters gets through, /healthz included (no special path). */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AlwaysDenyServingTest {

    static final Path DATA_DIR = createTempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("authorization-mode", () -> "AlwaysDeny");
    }

    @LocalServerPort
    int port;

    @Test
    void anonymousIsForbiddenInKubesWords() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient anonymous = TlsClients.httpClient(ca.certificate(), null);

        HttpResponse<String> pods = get(anonymous, "/api/v1/namespaces/default/pods/web");
        assertThat(pods.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(pods.body()).path("message").asString()).isEqualTo("pods \"web\" is forbidden:"
                + " User \"system:anonymous\" cannot get resource \"pods\" in API group \"\" in the namespace"
                + " \"default\": Everything is forbidden.");

        HttpResponse<String> health = get(anonymous, "/healthz");
        assertThat(health.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(health.body()).path("message").asString()).isEqualTo(
                "forbidden: User \"system:anonymous\" cannot get path \"/healthz\": Everything is forbidden.");
    }

    @Test
    void systemMastersIsAllowedWhateverTheMode() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient admin = TlsClients.httpClient(ca.certificate(),
                TlsClients.clientCert(ca, "kapi-admin", "system:masters"));
        assertThat(get(admin, "/api/v1/namespaces/default").statusCode()).isEqualTo(200);
        assertThat(get(admin, "/healthz").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("kapi-deny-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

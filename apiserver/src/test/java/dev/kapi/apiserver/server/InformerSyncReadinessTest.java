package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /readyz}'s {@code informer-sync} check on a real server: the request path's informers (RBAC, built-in
 * admission, policies, webhooks, quota admission) each count, and one that has not listed yet (a
 * test's stand-in) keeps the server not ready, while it is alive.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(InformerSyncReadinessTest.Pending.class)
class InformerSyncReadinessTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-informer-sync");
    static final AtomicBoolean LISTED = new AtomicBoolean();

    @TestConfiguration
    static class Pending {
        @Bean
        InformerSync listedOnlyWhenTheTestSaysSo() {
            return LISTED::get;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    List<InformerSync> parts;

    @Test
    void notReadyUntilEveryPartHasListed() throws Exception {
        assertThat(parts).hasSize(6); // five of the server's and the test's
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        HttpClient anonymous = TlsClients.httpClient(ca.certificate(), null);
        HttpClient admin = TlsClients.httpClient(ca.certificate(),
                TlsClients.clientCert(ca, "system:admin", "system:masters"));

        HttpResponse<String> waiting = get(anonymous, "/readyz");
        assertThat(waiting.statusCode()).as(waiting.body()).isEqualTo(500);
        assertThat(waiting.body()).contains("[-]informer-sync failed: reason withheld\n");
        assertThat(get(admin, "/readyz/informer-sync").statusCode()).isEqualTo(500); // anonymous: /readyz only
        assertThat(get(anonymous, "/livez").statusCode()).isEqualTo(200);

        LISTED.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> get(anonymous, "/readyz").statusCode() == 200);
        assertThat(get(anonymous, "/readyz?verbose").body())
                .contains("[+]informer-sync ok\n", "[+]poststarthook/crd-informer-synced ok\n");
        assertThat(parts).allMatch(InformerSync::synced);
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

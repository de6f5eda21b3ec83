package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The files of {@code config/} work as a user copies them: a server started with
 * {@code --spring.config.additional-location=config/kapi-example.yaml} (only what must differ on a test
 * machine given as flags, which win) and {@code --token-auth-file=config/tokens.csv}; {@code
 * config/rbac-example.yaml} applied with kubectl gives the example users what its comments say, no more.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigExamplesIT {

    private static final Path CONFIG = Path.of("..", "config").toAbsolutePath().normalize();
    private static final String ALICE = "CHANGE-ME-alice-0f6c1d2e9b7a4c58";
    private static final String BOB = "CHANGE-ME-bob-5e2a8c7d1f3b4a69";
    private static final String PROMETHEUS = "CHANGE-ME-prometheus-7d4b2e9a6c1f8e30";
    private static KapiServer server;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() {
        server = KapiServer.start("config-examples",
                KapiServerExtension.e2eDir().resolve("config-examples-" + System.nanoTime()),
                List.of("--spring.config.additional-location=" + CONFIG.resolve("kapi-example.yaml"),
                        "--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                        "--etcd-prefix=" + EtcdExtension.randomPrefix(),
                        "--token-auth-file=" + CONFIG.resolve("tokens.csv")));
        Kubectl.Result applied = Kubectl.named("kubectl").withKubeconfig(server.kubeconfig())
                .run("apply", "-f", CONFIG.resolve("rbac-example.yaml").toString());
        assertThat(applied.exit()).as(applied.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theServingCertificateCarriesTheExamplesExtraNames() throws Exception {
        var factory = server.sslContext(null).getSocketFactory();
        try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", server.baseUri().getPort())) {
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            List<String> names = leaf.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1)))
                    .toList();
            assertThat(names).contains("kapi.example.com", "10.0.0.10");
        }
    }

    @Test
    void theTeamEditsItsOwnNamespaceOnly() {
        KubeHttp.Client alice = server.withToken(ALICE);
        String cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"}}";
        assertThat(alice.post("/api/v1/namespaces/team-a/configmaps", cm).code()).isEqualTo(201);
        assertThat(alice.post("/api/v1/namespaces/default/configmaps", cm).code()).isEqualTo(403);
        String role = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
                + "\"metadata\":{\"name\":\"mine\"},\"rules\":[]}";
        assertThat(alice.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles", role).code())
                .isEqualTo(403);
    }

    @Test
    void auditorsReadEverythingButSecretsAndWriteNothing() {
        KubeHttp.Client bob = server.withToken(BOB);
        assertThat(bob.get("/api/v1/pods").code()).isEqualTo(200);
        assertThat(bob.get("/api/v1/namespaces/team-a/configmaps").code()).isEqualTo(200);
        assertThat(bob.get("/api/v1/secrets").code()).isEqualTo(403);
        assertThat(bob.post("/api/v1/namespaces/team-a/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}").code())
                .isEqualTo(403);
    }

    @Test
    void theScraperReadsMetricsAndNothingElse() {
        KubeHttp.Client prometheus = server.withToken(PROMETHEUS);
        assertThat(prometheus.get("/metrics").code()).isEqualTo(200);
        assertThat(prometheus.get("/api/v1/namespaces").code()).isEqualTo(403);
    }
}

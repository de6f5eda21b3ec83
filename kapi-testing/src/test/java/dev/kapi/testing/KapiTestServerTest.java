package dev.kapi.testing;

import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.Endpoints;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Another module uses the API server as a library ({@code dev.kapi:apiserver:lib}, whose dependencies come
 * from the apiserver POM): it starts the server in this JVM and talks to it over HTTPS as kubectl would.
 */
class KapiTestServerTest {

    @Test
    void startsTheServerInProcessAndServesTheApi(@TempDir Path dir) throws Exception {
        try (KapiTestServer kapi = KapiTestServer.start(dir.resolve("kapi"))) {
            HttpClient admin = kapi.httpClient("admin", "system:masters");
            HttpClient nobody = kapi.httpClient("nobody");

            assertThat(get(admin, kapi, "/readyz").body()).isEqualTo("ok");
            HttpResponse<String> created = admin.send(HttpRequest.newBuilder(
                            kapi.url().resolve("/api/v1/namespaces/default/configmaps"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"metadata":{"name":"hello"},"data":{"greeting":"hi"}}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> read = get(admin, kapi, "/api/v1/namespaces/default/configmaps/hello");
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("\"greeting\":\"hi\"");
            assertThat(get(nobody, kapi, "/api/v1/namespaces/default/configmaps").statusCode()).isEqualTo(403);

            assertThat(Files.readString(kapi.kubeconfig())).contains("server: " + kapi.url());
            assertThat(kapi.bean(ResourceRegistry.class).find("", "v1", "configmaps")).isPresent();
            // built with process-aot: the server runs its generated bean definitions (ServerApplication)
            assertThat(ServerApplication.aheadOfTime()).isTrue();
            assertThat(kapi.context().getClass().getSimpleName())
                    .isEqualTo("ServletWebServerApplicationContext");
            // the API Priority and Fairness configuration is written while the server starts, and is there once it has
            assertThat(kapi.client().flowControl().v1().flowSchema().withName("exempt").get()).isNotNull();
            assertThat(kapi.client().flowControl().v1().priorityLevelConfigurations().withName("catch-all").get())
                    .isNotNull();
            // springdoc's beans wait for the Swagger UI to be asked for (server.SwaggerUiConfig); springdoc's own
            // document paths, asked for first on this fresh server, still need an authorization decision
            assertThat(kapi.context().getBeanFactory().containsSingleton("springdocObjectMapperProvider")).isFalse();
            for (String path : java.util.List.of("/v3/api-docs", "/v3/api-docs/swagger-config", "/v3/api-docs/")) {
                assertThat(get(nobody, kapi, path).statusCode()).as(path).isEqualTo(403);
            }
            assertThat(get(nobody, kapi, "/swagger-ui/index.html").statusCode()).isEqualTo(200);
            // the kubernetes Service's endpoints name the port the server chose (--secure-port=0), not 0
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Endpoints endpoints = kapi.client().endpoints().inNamespace("default").withName("kubernetes").get();
                assertThat(endpoints).isNotNull();
                assertThat(endpoints.getSubsets().getFirst().getPorts().getFirst().getPort())
                        .isEqualTo(kapi.url().getPort());
            });
        }
    }

    private static HttpResponse<String> get(HttpClient client, KapiTestServer kapi, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(kapi.url().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTestsEnvironmentDoesNotReachTheServerNorItsClients(@TempDir Path dir) {
        // what a Spring application's tests or a developer's shell often set, for something else
        System.setProperty("server.port", "1");
        System.setProperty("kubernetes.master", "https://192.0.2.1:1");
        System.setProperty("kubernetes.auth.token", "not-for-the-test-server");
        try (KapiTestServer kapi = KapiTestServer.start(dir.resolve("kapi"))) {
            assertThat(kapi.url().getPort()).isNotEqualTo(1);
            var admin = kapi.client();
            assertThat(admin.getMasterUrl().toString()).startsWith(kapi.url().toString());
            assertThat(admin.getConfiguration().getAutoOAuthToken()).isNull();
            assertThat(admin.getConfiguration().getOauthToken()).isNull();
            assertThat(admin.namespaces().withName("default").get()).isNotNull();
        } finally {
            System.clearProperty("server.port");
            System.clearProperty("kubernetes.master");
            System.clearProperty("kubernetes.auth.token");
        }
    }

    @Test
    void workloadControllersRunWhenSwitchedOn(@TempDir Path dir) {
        try (KapiTestServer kapi = KapiTestServer.start(dir, "--controllers=*", "--simulated-nodes=1")) {
            var client = kapi.client();
            client.apps().deployments().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.apps
                    .DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().withReplicas(2)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                    .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                    .withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
            var ready = client.apps().deployments().inNamespace("default").withName("web")
                    .waitUntilReady(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(2);
            assertThat(client.pods().inNamespace("default").withLabel("app", "web").list().getItems())
                    .hasSize(2).allMatch(p -> "Running".equals(p.getStatus().getPhase())
                            && "kapi-node-0".equals(p.getSpec().getNodeName()));
        }
    }

    @Test
    void byDefaultNoWorkloadControllerRuns(@TempDir Path dir) throws Exception {
        try (KapiTestServer kapi = KapiTestServer.start(dir)) {
            var client = kapi.client();
            client.apps().deployments().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.apps
                    .DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().withReplicas(1)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                    .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                    .withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
            Thread.sleep(1000);
            assertThat(client.apps().replicaSets().inNamespace("default").list().getItems()).isEmpty();
        }
    }

    @Test
    void flagsTheTestServerSetsItselfAreRefused(@TempDir Path dir) {
        for (String flag : new String[] {"--secure-port=6443", "--data-dir=/tmp/x", "--bind-address=0.0.0.0",
                "--write-kubeconfig=/tmp/k", "--server.port=1", "--spring.main.lazy-initialization=true"}) {
            assertThatThrownBy(() -> KapiTestServer.start(dir.resolve("kapi"), flag))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set by the test server");
        }
        assertThat(dir.resolve("kapi")).doesNotExist();
    }

    @Test
    void anUnknownFlagIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        assertThatThrownBy(() -> KapiTestServer.start(dir.resolve("kapi"), "--etcd-server=http://127.0.0.1:2379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown flag: --etcd-server");
        assertThat(dir.resolve("kapi")).doesNotExist();
    }
}

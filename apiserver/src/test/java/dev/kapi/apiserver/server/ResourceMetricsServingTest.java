package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * metrics.k8s.io served in process on a server with two simulated nodes, over real TLS with the real RBAC
 * authorizer: raw GETs and {@code kubectl top} show the simulated usage, discovery and the Local APIService
 * announce the group, a user without RBAC rights gets kube's 403, and the horizontal-pod-autoscaler controller
 * scales on the same usage.
 */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceMetricsServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-resource-metrics");
    static final String METRICS = "/apis/metrics.k8s.io/v1beta1";
    static final String MALLORY_TOKEN = "mallory-token-0123456789";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path tokens = DATA_DIR.resolve("tokens.csv");
        Files.writeString(tokens, MALLORY_TOKEN + ",mallory,1001\n");
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("token-auth-file", tokens::toString);
        registry.add("write-kubeconfig", () -> DATA_DIR.resolve("admin.kubeconfig").toString());
        registry.add("simulated-nodes", () -> "2");
    }

    @LocalServerPort
    int port;

    HttpClient admin;
    HttpClient noCertificate;

    @BeforeAll
    void runningPods() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        noCertificate = TlsClients.httpClient(ca.certificate(), null);
        post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"top\"}}");
        post("/api/v1/namespaces/top/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"},
                  "annotations":{"kapi.dev/simulated-usage":"cpu=300m,memory=64Mi"}},
                 "spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"nginx"}]}}""");
        post("/api/v1/namespaces/top/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","labels":{"app":"db"}},
                 "spec":{"containers":[{"name":"c","image":"postgres",
                   "resources":{"requests":{"cpu":"100m","memory":"32Mi"}}}]}}""");
        await().atMost(Duration.ofSeconds(15)).until(() -> phase("web").equals("Running")
                && phase("db").equals("Running"));
    }

    @Test
    void podMetricsAreTheAnnotationSplitAcrossContainersOrTheRequests() throws Exception {
        JsonNode web = get(admin, METRICS + "/namespaces/top/pods/web", 200);
        assertThat(web.path("kind").asString()).isEqualTo("PodMetrics");
        assertThat(web.path("apiVersion").asString()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(web.path("window").asString()).isEqualTo("30s");
        assertThat(web.path("metadata").path("labels").path("app").asString()).isEqualTo("web");
        assertThat(web.path("timestamp").asString()).isNotEmpty();
        assertThat(web.path("containers").toString()).isEqualTo(
                "[{\"name\":\"a\",\"usage\":{\"cpu\":\"150m\",\"memory\":\"32Mi\"}},"
                        + "{\"name\":\"b\",\"usage\":{\"cpu\":\"150m\",\"memory\":\"32Mi\"}}]");

        JsonNode list = get(admin, METRICS + "/namespaces/top/pods", 200);
        assertThat(list.path("kind").asString()).isEqualTo("PodMetricsList");
        assertThat(names(list)).containsExactlyInAnyOrder("web", "db");
        assertThat(names(get(admin, METRICS + "/namespaces/top/pods?labelSelector=app%3Ddb", 200)))
                .containsExactly("db");
        assertThat(names(get(admin, METRICS + "/pods?fieldSelector="
                + URLEncoder.encode("metadata.name=web", StandardCharsets.UTF_8), 200))).containsExactly("web");
        // a list whose selector names one pod is authorized for that name, and is still a list
        JsonNode one = get(admin, METRICS + "/namespaces/top/pods?fieldSelector=metadata.name%3Dweb", 200);
        assertThat(one.path("kind").asString()).isEqualTo("PodMetricsList");
        assertThat(names(one)).containsExactly("web");
        JsonNode etcd = get(admin, "/api/v1/componentstatuses?fieldSelector=metadata.name%3Detcd-0", 200);
        assertThat(etcd.path("kind").asString()).isEqualTo("ComponentStatusList");
        assertThat(names(etcd)).containsExactly("etcd-0");
    }

    @Test
    void nodeMetricsAreTheirRunningPodsPlusABase() throws Exception {
        JsonNode list = get(admin, METRICS + "/nodes", 200);
        assertThat(list.path("kind").asString()).isEqualTo("NodeMetricsList");
        assertThat(names(list)).containsExactlyInAnyOrder("kapi-node-0", "kapi-node-1");
        long nodes = 0;
        for (JsonNode n : list.path("items")) {
            assertThat(n.has("kind")).as("the type is the list's, as metrics-server writes it").isFalse();
            assertThat(n.has("apiVersion")).isFalse();
            assertThat(n.path("window").asString()).isEqualTo("20.05s");
            nodes += milli(n.path("usage").path("cpu"));
        }
        long pods = 0;
        for (JsonNode p : get(admin, METRICS + "/pods", 200).path("items")) {
            for (JsonNode c : p.path("containers")) {
                pods += milli(c.path("usage").path("cpu"));
            }
        }
        assertThat(pods).as("web's 300m and db's 100m at least").isGreaterThanOrEqualTo(400);
        assertThat(nodes).as("two bases of 50m and every running pod").isEqualTo(100 + pods);
        assertThat(get(admin, METRICS + "/nodes/kapi-node-0", 200).path("kind").asString()).isEqualTo("NodeMetrics");
    }

    @Test
    void whatIsNotSimulatedHasNoMetrics() throws Exception {
        post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"real-node\"}}");
        assertThat(get(admin, METRICS + "/nodes/real-node", 404).path("message").asString())
                .isEqualTo("nodemetrics.metrics.k8s.io \"real-node\" not found");
        assertThat(get(admin, METRICS + "/namespaces/top/pods/nope", 404).path("message").asString())
                .isEqualTo("podmetrics.metrics.k8s.io \"nope\" not found");
        assertThat(names(get(admin, METRICS + "/nodes", 200))).doesNotContain("real-node");
    }

    @Test
    void aUserWithoutRbacRightsIsForbidden() throws Exception {
        assertThat(get(noCertificate, METRICS + "/namespaces/top/pods", 403, MALLORY_TOKEN).path("message")
                .asString()).isEqualTo("pods.metrics.k8s.io is forbidden: User \"mallory\" cannot list resource "
                + "\"pods\" in API group \"metrics.k8s.io\" in the namespace \"top\"");
        assertThat(get(noCertificate, METRICS + "/nodes/kapi-node-0", 403, MALLORY_TOKEN).path("message")
                .asString()).isEqualTo("nodes.metrics.k8s.io \"kapi-node-0\" is forbidden: User \"mallory\" cannot "
                + "get resource \"nodes\" in API group \"metrics.k8s.io\" at the cluster scope");
        assertThat(get(noCertificate, METRICS + "/nodes", 403, null).path("message").asString())
                .isEqualTo("nodes.metrics.k8s.io is forbidden: User \"system:anonymous\" cannot list resource "
                        + "\"nodes\" in API group \"metrics.k8s.io\" at the cluster scope");
    }

    /**
     * A pod's simulated log (answered by the simulated node, not a kubelet) is read only by who may read
     * {@code pods/log}: mallory and anonymous are refused under every spelling of the path, and the simulated
     * line never reaches them; the admin reads it.
     */
    @Test
    void aSimulatedNodesPodLogIsReadOnlyWithRights() throws Exception {
        String log = "/api/v1/namespaces/top/pods/web/log?container=a";
        assertThat(raw(admin, log, null).body()).contains("simulated");
        for (String path : List.of(log, "/api/v1/namespaces/top/pods/web/log/?container=a",
                "/api/v1/namespaces/top/pods/web//log?container=a", "/api/v1/namespaces/top/pods/web/%6Cog",
                "/api/v1/namespaces/top/pods/web%2Flog", "//api/v1/namespaces/top/pods/web/log",
                "/api/v1/namespaces/top/pods/./web/log", "/api/v1/namespaces/top/pods/x/../web/log",
                "/api/v1/namespaces/top/pods/web/log?follow=true", "/api/v1/namespaces/top/pods/web/log/?follow=1")) {
            for (String token : new String[] {MALLORY_TOKEN, null}) {
                HttpResponse<String> res = raw(noCertificate, path, token);
                assertThat(res.statusCode()).as(path + " as " + token).isIn(400, 401, 403, 404);
                assertThat(res.body()).as(path).doesNotContain("simulated");
            }
        }
    }

    /**
     * exec over WebSocket on a simulated node's pod (the simulated output, then kube's Success status on the
     * error channel) opens only for who may create {@code pods/exec}: mallory's and anonymous's handshakes fail
     * with 403 or 401 under every spelling of the path, and no frame reaches them.
     */
    @Test
    void aSimulatedExecStreamOpensOnlyWithRights() throws Exception {
        String exec = "/api/v1/namespaces/top/pods/web/exec?container=a&command=echo&command=hi&stdout=true";
        List<String> frames = webSocket(admin, exec, null).get(10, TimeUnit.SECONDS);
        assertThat(frames).containsExactly(
                "1kapi simulated node " + nodeOf("web") + ": echo hi did not run in container a of pod top/web (the "
                        + "node runs no processes; this output is simulated)\n",
                "3{\"metadata\":{},\"status\":\"Success\"}");
        for (String path : List.of(exec, "/api/v1/namespaces/top/pods/web/exec/?command=sh&stdout=1",
                "/api/v1/namespaces/top/pods/web//exec?command=sh&stdout=1",
                "/api/v1/namespaces/top/pods/web/%65xec?command=sh&stdout=1",
                "/api/v1/namespaces/top/pods/web%2Fexec?command=sh&stdout=1",
                "/api/v1/namespaces/top/pods/./web/attach?stdout=1",
                "/api/v1/namespaces/top/pods/x/../web/attach?stdout=1")) {
            for (String token : new String[] {MALLORY_TOKEN, null}) {
                var opened = webSocket(noCertificate, path, token);
                assertThat(opened).as(path + " as " + token).failsWithin(10, TimeUnit.SECONDS)
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                                e -> assertThat(e.getResponse().statusCode()).isIn(400, 401, 403, 404));
            }
        }
    }

    private String nodeOf(String pod) throws Exception {
        return get(admin, "/api/v1/namespaces/top/pods/" + pod, 200, null).at("/spec/nodeName").asString();
    }

    /** The binary frames of a channel.k8s.io stream as text, the channel's digit first, once the server closes. */
    private java.util.concurrent.CompletableFuture<List<String>> webSocket(HttpClient client, String path,
                                                                             String token) {
        var frames = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var done = new java.util.concurrent.CompletableFuture<List<String>>();
        java.net.http.WebSocket.Builder b = client.newWebSocketBuilder().subprotocols("v5.channel.k8s.io",
                "v4.channel.k8s.io");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.buildAsync(URI.create("wss://127.0.0.1:" + port + path), new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                                                   java.nio.ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                frames.add(bytes[0] + new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
                ws.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                                                                  String reason) {
                done.complete(List.copyOf(frames));
                return null;
            }

            @Override
            public void onError(java.net.http.WebSocket ws, Throwable error) {
                done.completeExceptionally(error);
            }
        }).whenComplete((ws, error) -> {
            if (error != null) {
                done.completeExceptionally(error instanceof java.util.concurrent.CompletionException c
                        ? c.getCause() : error);
            }
        });
        return done;
    }

    private HttpResponse<String> raw(HttpClient client, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theGroupIsDiscoveredAndItsApiServiceIsLocalAndAvailable() throws Exception {
        JsonNode resources = get(admin, METRICS, 200);
        List<String> served = new ArrayList<>();
        resources.path("resources").forEach(r -> served.add(r.path("name").asString() + ":" + r.path("kind")
                .asString() + ":" + r.path("namespaced").asBoolean() + ":" + r.path("verbs")));
        assertThat(served).containsExactlyInAnyOrder("nodes:NodeMetrics:false:[\"get\",\"list\"]",
                "pods:PodMetrics:true:[\"get\",\"list\"]");
        assertThat(get(admin, "/apis", 200).toString()).contains("\"name\":\"metrics.k8s.io\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode svc = get(admin, "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io", 200);
            assertThat(svc.path("spec").has("service")).isFalse();
            assertThat(svc.path("status").path("conditions").get(0).path("reason").asString()).isEqualTo("Local");
            assertThat(svc.path("status").path("conditions").get(0).path("status").asString()).isEqualTo("True");
        });
    }

    @Test
    void kubectlTopShowsTheUsage() throws Exception {
        String pods = kubectl("top", "pod", "-n", "top", "--sort-by=cpu");
        assertThat(pods.lines().toList()).containsExactly("NAME   CPU(cores)   MEMORY(bytes)   ",
                "web    300m         64Mi            ", "db     100m         32Mi            ");
        assertThat(kubectl("top", "pod", "-n", "top", "web", "--containers")).contains("web   a      150m");
        String nodes = kubectl("top", "node");
        assertThat(nodes).startsWith("NAME").contains("CPU(cores)").contains("kapi-node-0").contains("kapi-node-1");
    }

    /**
     * The horizontal-pod-autoscaler controller runs in the server on the same usage: memory 64Mi per pod for a
     * target of 32Mi doubles the Deployment through its scale subresource (the real admission chain admits it), up
     * to maxReplicas 4, where it stays.
     */
    @Test
    void anHpaScalesItsDeploymentOnTheSimulatedUsage() throws Exception {
        post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"hpa\"}}");
        // the Deployment's own Pods (the deployment and replicaset controllers make them) use 64Mi each
        post("/apis/apps/v1/namespaces/hpa/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"labels":{"app":"web"},
                                           "annotations":{"kapi.dev/simulated-usage":"memory=64Mi"}},
                     "spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        post("/apis/autoscaling/v2/namespaces/hpa/horizontalpodautoscalers", """
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
                   "minReplicas":1,"maxReplicas":4,
                   "metrics":[{"type":"Resource","resource":{"name":"memory",
                     "target":{"type":"AverageValue","averageValue":"32Mi"}}}]}}""");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(get(admin, "/apis/apps/v1/namespaces/hpa/deployments/web/scale", 200).path("spec")
                    .path("replicas").asInt()).isEqualTo(4);
            JsonNode status = get(admin, "/apis/autoscaling/v2/namespaces/hpa/horizontalpodautoscalers/web", 200)
                    .path("status");
            assertThat(status.path("desiredReplicas").asInt()).isEqualTo(4);
            assertThat(status.path("currentMetrics").get(0).path("resource").path("current").path("averageValue")
                    .asString()).isEqualTo("64Mi");
            assertThat(status.path("lastScaleTime").asString()).isNotEmpty();
        });
    }

    private String kubectl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig",
                DATA_DIR.resolve("admin.kubeconfig").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static long milli(JsonNode quantity) {
        return new io.fabric8.kubernetes.api.model.Quantity(quantity.asString()).getNumericalAmount()
                .movePointRight(3).longValueExact();
    }

    private String phase(String pod) throws Exception {
        return get(admin, "/api/v1/namespaces/top/pods/" + pod, 200).path("status").path("phase").asString();
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asString()));
        return names;
    }

    private JsonNode get(HttpClient client, String path, int code) throws Exception {
        return get(client, path, code, null);
    }

    private JsonNode get(HttpClient client, String path, int code, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(code);
        return Json.MAPPER.readTree(res.body());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> res = admin.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(201);
    }
}

package dev.kapi.apiserver.server.dynamic;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A resource registered in a running server (as a custom resource will be), while other requests run, is
 * at once in discovery (plain and aggregated), OpenAPI v2 and v3 and served by the dispatcher (create, get,
 * list, watch) under the usual RBAC rules; unregistered, it is at once gone from all of them (404) and its
 * open watches end. The requests running meanwhile never get an error.
 */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DynamicResourcesServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-dynamic-");
    static final String GV = "/apis/" + Widget.GROUP + "/v1";
    static final String WIDGETS = GV + "/namespaces/default/widgets";
    static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    static final String V2_PATH = GV + "/namespaces/{namespace}/widgets";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ResourceRegistry registry;

    HttpClient admin;
    HttpClient alice;
    HttpClient bob;

    @BeforeEach
    void clients() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        alice = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "alice"));
        bob = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "bob"));
    }

    @Test
    void registeredWhileRequestsRunItIsServedEverywhereAtOnceAndUnregisteredGoneEverywhere() throws Exception {
        Set<Integer> ok = Set.of(200);
        try (RequestLoad load = RequestLoad.start(admin, "https://127.0.0.1:" + port, 4, List.of(
                new RequestLoad.Probe("/apis", AGGREGATED, ok),
                new RequestLoad.Probe("/openapi/v3", null, ok),
                new RequestLoad.Probe(WIDGETS, null, Set.of(200, 404)),
                new RequestLoad.Probe("/openapi/v2", "application/json", ok),
                new RequestLoad.Probe(GV, null, Set.of(200, 404)),
                new RequestLoad.Probe("/api/v1/namespaces/default/configmaps", null, ok)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.sent() >= 30);
            assertGone();

            registry.register(Widget.DEFINITION);

            assertInDiscoveryAndOpenApi();
            String watchFrom = servesCreateGetListWatch();
            BlockingQueue<String> watch = watch(admin, WIDGETS + "?watch=true&resourceVersion=" + watchFrom);
            assertThat(create("w2").statusCode()).isEqualTo(201);
            assertThat(watch.poll(10, TimeUnit.SECONDS)).contains("\"type\":\"ADDED\"").contains("\"name\":\"w2\"");
            rbacAppliesAsToAnyResource();
            int sentWhileServed = load.sent();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.sent() >= sentWhileServed + 30);

            registry.unregister(Widget.GROUP, "v1", "widgets");

            assertGone();
            assertThat(watch.poll(10, TimeUnit.SECONDS)).as("the open watch ends").isEqualTo(END);
            assertThat(send(bob, get(WIDGETS)).statusCode()).as("allowed by RBAC, not served").isEqualTo(404);
            assertThat(send(alice, get(WIDGETS)).statusCode()).isEqualTo(403);

            load.close();
            assertThat(load.failures()).isEmpty();
            assertThat(load.seen(WIDGETS)).containsExactlyInAnyOrder(200, 404);
        }
    }

    private void assertInDiscoveryAndOpenApi() throws Exception {
        JsonNode groups = json(send(admin, get("/apis")));
        assertThat(groups.get("groups").valueStream().map(g -> g.get("name").asString())).contains(Widget.GROUP);
        assertThat(json(send(admin, get("/apis/" + Widget.GROUP))).get("preferredVersion").get("groupVersion")
                .asString()).isEqualTo(Widget.GROUP + "/v1");
        JsonNode resources = json(send(admin, get(GV))).get("resources");
        assertThat(resources.valueStream().map(r -> r.get("name").asString())).containsExactly("widgets");
        assertThat(resources.get(0).get("kind").asString()).isEqualTo("Widget");
        assertThat(resources.get(0).get("namespaced").asBoolean()).isTrue();
        JsonNode aggregated = json(send(admin, get("/apis").header("Accept", AGGREGATED)));
        JsonNode group = aggregated.get("items").valueStream()
                .filter(g -> g.get("metadata").get("name").asString().equals(Widget.GROUP)).findFirst().orElseThrow();
        assertThat(group.get("versions").get(0).get("resources").get(0).get("resource").asString()).isEqualTo("widgets");
        JsonNode v2 = json(send(admin, get("/openapi/v2").header("Accept", "application/json")));
        assertThat(v2.get("paths").has(V2_PATH)).isTrue();
        assertThat(v2.get("paths").has(V2_PATH + "/{name}")).isTrue();
        JsonNode v3Index = json(send(admin, get("/openapi/v3"))).get("paths");
        String url = v3Index.get("apis/" + Widget.GROUP + "/v1").get("serverRelativeURL").asString();
        HttpResponse<String> v3 = send(admin, get(url));
        assertThat(v3.statusCode()).isEqualTo(200);
        assertThat(json(v3).get("paths").has(V2_PATH)).isTrue();
    }

    /** Creates w1, reads it back one by one and in a list; returns the list's resourceVersion. */
    private String servesCreateGetListWatch() throws Exception {
        HttpResponse<String> created = create("w1");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode w1 = json(send(admin, get(WIDGETS + "/w1")));
        assertThat(w1.get("kind").asString()).isEqualTo("Widget");
        assertThat(w1.get("apiVersion").asString()).isEqualTo(Widget.GROUP + "/v1");
        assertThat(w1.get("data").get("color").asString()).isEqualTo("blue");
        assertThat(w1.get("metadata").get("uid").asString()).isNotEmpty();
        JsonNode list = json(send(admin, get(WIDGETS)));
        assertThat(list.get("kind").asString()).isEqualTo("WidgetList");
        assertThat(list.get("items").valueStream().map(i -> i.get("metadata").get("name").asString()))
                .containsExactly("w1");
        return list.get("metadata").get("resourceVersion").asString();
    }

    /** No rights without a grant (no default allow for a new resource); a ClusterRole on it grants exactly that. */
    private void rbacAppliesAsToAnyResource() throws Exception {
        HttpResponse<String> denied = send(alice, get(WIDGETS));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(denied.body()).get("message").asString()).isEqualTo("widgets." + Widget.GROUP
                + " is forbidden: User \"alice\" cannot list resource \"widgets\" in API group \"" + Widget.GROUP
                + "\" in the namespace \"default\"");
        assertThat(send(bob, get(WIDGETS)).statusCode()).isEqualTo(403);
        assertThat(send(admin, post("/apis/rbac.authorization.k8s.io/v1/clusterroles", """
                {"metadata":{"name":"widget-reader"},
                 "rules":[{"apiGroups":["%s"],"resources":["widgets"],"verbs":["get","list","watch"]}]}
                """.formatted(Widget.GROUP))).statusCode()).isEqualTo(201);
        assertThat(send(admin, post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """
                {"metadata":{"name":"bob-reads-widgets"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"widget-reader"},
                 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob"}]}
                """)).statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(send(bob, get(WIDGETS + "/w1")).statusCode()).isEqualTo(200));
        assertThat(send(bob, post(WIDGETS, widget("w3"))).statusCode()).isEqualTo(403);
        assertThat(send(alice, get(WIDGETS + "/w1")).statusCode()).isEqualTo(403);
    }

    private void assertGone() throws Exception {
        JsonNode groups = json(send(admin, get("/apis")));
        assertThat(groups.get("groups").valueStream().map(g -> g.get("name").asString())).doesNotContain(Widget.GROUP);
        JsonNode aggregated = json(send(admin, get("/apis").header("Accept", AGGREGATED)));
        assertThat(aggregated.get("items").valueStream().map(g -> g.get("metadata").get("name").asString()))
                .doesNotContain(Widget.GROUP);
        assertThat(send(admin, get("/apis/" + Widget.GROUP)).statusCode()).isEqualTo(404);
        assertThat(send(admin, get(GV)).statusCode()).isEqualTo(404);
        assertThat(json(send(admin, get("/openapi/v2").header("Accept", "application/json"))).get("paths")
                .has(V2_PATH)).isFalse();
        assertThat(json(send(admin, get("/openapi/v3"))).get("paths").has("apis/" + Widget.GROUP + "/v1")).isFalse();
        assertThat(send(admin, get("/openapi/v3/apis/" + Widget.GROUP + "/v1")).statusCode()).isEqualTo(404);
        for (HttpRequest.Builder r : List.of(get(WIDGETS), get(WIDGETS + "/w1"), get(WIDGETS + "?watch=true"),
                post(WIDGETS, widget("w9")))) {
            HttpResponse<String> res = send(admin, r);
            assertThat(res.statusCode()).as(r.build().method() + " " + r.build().uri()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(res.body()).get("reason").asString()).isEqualTo("NotFound");
        }
    }

    private HttpResponse<String> create(String name) throws Exception {
        return send(admin, post(WIDGETS, widget(name)));
    }

    private static String widget(String name) {
        return """
                {"apiVersion":"%s/v1","kind":"Widget","metadata":{"name":"%s"},"data":{"color":"blue"}}
                """.formatted(Widget.GROUP, name);
    }

    static final String END = "<end of stream>";

    /** The lines of a streamed watch as they arrive, then {@link #END}. */
    private BlockingQueue<String> watch(HttpClient client, String path) throws Exception {
        HttpResponse<InputStream> res = client.send(get(path).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("failed: " + e);
            }
            lines.add(END);
        });
        return lines;
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Json.MAPPER.readTree(res.body());
    }
}

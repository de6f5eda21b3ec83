package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.server.WatchCaches;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.storage.cacher.CacheStats;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real TLS server (AlwaysAllow, an admin kubeconfig written to {@link #DATA_DIR}) shared by the watch
 * tests (one Spring context for all subclasses), with an admin HTTP client and ConfigMap helpers.
 */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class WatchServerTestBase {

    static final Path DATA_DIR = TestDataDirs.create("kapi-ws-");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("write-kubeconfig", () -> DATA_DIR.resolve("admin.kubeconfig").toString());
        registry.add("authorization-mode", () -> "AlwaysAllow");
        // these tests compare the exact ConfigMaps of their namespace: no kube-root-ca.crt in it
        registry.add("controllers", () -> "*,-root-ca-cert-publisher");
    }

    @LocalServerPort
    int port;

    @Autowired
    StoreRegistry stores;

    @Autowired
    EtcdStorage storage;

    @Autowired
    WatchCaches watchCaches;

    HttpClient admin;

    /** Watches open now: those the watch caches serve and those on etcd (each cache's own among them). */
    int openWatches() {
        return storage.openWatches() + watchCaches.stats().stream().mapToInt(CacheStats::watchers).sum();
    }

    @BeforeEach
    void setUp() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
    }

    String list(String labelSelector) throws Exception {
        HttpResponse<String> res = admin.send(HttpRequest.newBuilder(uri("https",
                "/api/v1/namespaces/default/configmaps?labelSelector=" + labelSelector)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(res.body()).path("metadata").path("resourceVersion").asString();
    }

    void write(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpResponse<String> res = admin.send(HttpRequest.newBuilder(uri("https", path))
                .header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
                .method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 201);
    }

    static String configMap(String name, String app, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"" + app + "\"}},\"data\":{\"k\":\"" + value + "\"}}";
    }

    static String typeAndData(JsonNode event) {
        return event.path("type").asString() + " " + event.path("object").path("metadata").path("name").asString()
                + " " + event.path("object").path("data").path("k").asString();
    }

    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} over real TLS with the real RBAC authorizer: kube's metric names and labels in Prometheus
 * text format for an admin and for the group {@code system:monitoring} (kube's bootstrap role of that name),
 * and a 401/403 Status without a single metric for anyone else, whatever the spelling of the path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsServingTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-metrics");
    static final String NS = "/api/v1/namespaces/default/configmaps";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
        registry.add("etcd-count-metric-poll-period", () -> "200ms");
        registry.add("etcd-db-metric-poll-interval", () -> "200ms");
    }

    @LocalServerPort
    int port;

    HttpClient admin;
    HttpClient monitor;
    HttpClient mallory;
    HttpClient anonymous;

    @BeforeEach
    void clients() {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
        monitor = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "prometheus", "system:monitoring"));
        mallory = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "mallory", "team"));
        anonymous = TlsClients.httpClient(ca.certificate(), null);
    }

    @Test
    void requestsStorageAdmissionAndJvmAreMeasuredWithKubesNamesAndLabels() throws Exception {
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send(admin, HttpRequest.newBuilder(uri(NS)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                        + "\"metadata\":{\"name\":\"" + name + "\"}}"))).statusCode()).isEqualTo(201);
        assertThat(send(admin, HttpRequest.newBuilder(uri(NS + "/" + name))).statusCode()).isEqualTo(200);
        assertThat(send(admin, HttpRequest.newBuilder(uri(NS + "?dryRun=All")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\","
                + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dry\"}}"))).statusCode()).isEqualTo(201);
        assertThat(send(admin, HttpRequest.newBuilder(uri("/api/v1/configmaps"))).statusCode()).isEqualTo(200);
        // a watch open while scraping is a long-running request
        HttpResponse<InputStream> watch = admin.send(HttpRequest.newBuilder(uri(NS + "?watch=true&timeoutSeconds=30"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = metrics(admin);
                assertThat(m).contains("apiserver_longrunning_requests{component=\"apiserver\",group=\"\","
                        + "resource=\"configmaps\",scope=\"namespace\",subresource=\"\",verb=\"WATCH\",version=\"v1\"} 1");
                assertThat(m).contains("apiserver_storage_objects{resource=\"configmaps\"}");
                // a built-in group's objects are found where the store keeps them (kube's bootstrap roles)
                assertThat(m).containsPattern(
                        "apiserver_storage_objects\\{resource=\"clusterroles.rbac.authorization.k8s.io\"} [1-9]");
                // the embedded store's database file and its write-ahead log
                assertThat(m).containsPattern("apiserver_storage_size_bytes\\{storage_cluster_id=\"sqlite-0\"} [1-9]");
            });
        } finally {
            watch.body().close();
        }
        String m = metrics(monitor);
        assertThat(m).contains("apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"\","
                + "resource=\"configmaps\",scope=\"resource\",subresource=\"\",verb=\"POST\",version=\"v1\"}");
        assertThat(m).contains("apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"All\",group=\"\","
                + "resource=\"configmaps\",scope=\"resource\",subresource=\"\",verb=\"POST\",version=\"v1\"}");
        assertThat(m).contains("apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"\","
                + "resource=\"configmaps\",scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"}");
        assertThat(m).contains("apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"\","
                + "resource=\"configmaps\",scope=\"cluster\",subresource=\"\",verb=\"LIST\",version=\"v1\"}");
        assertThat(m).contains("# TYPE apiserver_request_duration_seconds histogram");
        assertThat(m).contains("apiserver_request_duration_seconds_bucket{component=\"apiserver\",dry_run=\"\","
                + "group=\"\",resource=\"configmaps\",scope=\"resource\",subresource=\"\",verb=\"POST\",version=\"v1\","
                + "le=\"0.005\"}");
        assertThat(m).contains("le=\"60.0\"");
        assertThat(m).contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"}");
        assertThat(m).contains("apiserver_current_inflight_requests{request_kind=\"mutating\"}");
        assertThat(m).containsPattern("etcd_request_duration_seconds_bucket\\{operation=\"create\",type=\"configmaps\","
                + "le=\"0.005\"}");
        // the watch cache primed itself with one list; the GET was answered from memory after a revision check
        assertThat(m).containsPattern("etcd_request_duration_seconds_count\\{operation=\"list\",type=\"configmaps\"} ");
        assertThat(m).containsPattern("apiserver_watch_cache_consistent_read_total\\{fallback=\"false\","
                + "resource=\"configmaps\",success=\"true\"} [1-9]");
        assertThat(m).containsPattern("apiserver_watch_cache_initializations_total\\{resource=\"configmaps\"} 1");
        assertThat(m).containsPattern("apiserver_watch_cache_capacity\\{resource=\"configmaps\"} [1-9]");
        assertThat(m).containsPattern("kapi_watch_cache_objects\\{resource=\"configmaps\"} [1-9]");
        assertThat(m).containsPattern("kapi_watch_cache_consistent_read_wait_seconds_total\\{resource=\"configmaps\"} "
                + "[0-9.E-]*[1-9]");
        assertThat(m).containsPattern("apiserver_admission_step_admission_duration_seconds_count\\{operation=\"CREATE\","
                + "rejected=\"false\",type=\"admit\"} ");
        assertThat(m).containsPattern("apiserver_admission_controller_admission_duration_seconds_count\\{"
                + "name=\"NamespaceLifecycle\",operation=\"CREATE\",rejected=\"false\",type=\"admit\"} ");
        assertThat(m).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
    }

    @Test
    void metricsIsPlainTextInPrometheusFormat() throws Exception {
        HttpResponse<String> res = send(admin, HttpRequest.newBuilder(uri("/metrics")));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/metrics/", "//metrics", "/./metrics", "/%6detrics", "/metrics?x=1",
            "/metrics/../metrics", "/METRICS", "/metrics/slis"})
    void nobodyElseReadsMetricsInAnySpelling(String path) throws Exception {
        for (HttpClient client : new HttpClient[] {anonymous, mallory}) {
            HttpResponse<String> res = send(client, HttpRequest.newBuilder(URI.create(base() + path)));
            assertThat(res.statusCode()).as(path).isIn(400, 403, 404);
            assertThat(res.body()).as(path).doesNotContain("apiserver_request").doesNotContain("jvm_");
            if (res.statusCode() == 403) {
                assertThat(res.body()).contains("\"kind\":\"Status\"");
            }
        }
        HttpResponse<String> badToken = send(anonymous, HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer not-a-token"));
        assertThat(badToken.statusCode()).as(path).isIn(400, 401);
        assertThat(badToken.body()).doesNotContain("apiserver_request");
    }

    /**
     * Labels come from a closed set whatever the request says (kube's cleanDryRun and CleanVerb): an anonymous
     * client sending made-up dryRun values or HTTP methods adds no series (each would be a counter and a histogram;
     * the firewall refuses made-up methods before they are counted, and the label would be {@code other}).
     */
    @Test
    void madeUpDryRunValuesAndMethodsAddNoSeries() throws Exception {
        for (int i = 0; i < 20; i++) {
            send(anonymous, HttpRequest.newBuilder(uri("/version?dryRun=made-up-" + i)));
            send(anonymous, HttpRequest.newBuilder(uri("/version")).method("MADEUP" + i,
                    HttpRequest.BodyPublishers.noBody()));
        }
        send(anonymous, HttpRequest.newBuilder(uri("/version?dryRun=All&dryRun=All")));
        String m = metrics(monitor);
        assertThat(m).doesNotContain("made-up").doesNotContain("MADEUP");
        assertThat(m).containsPattern("apiserver_request_total\\{code=\"200\",component=\"apiserver\","
                + "dry_run=\"invalid\",[^}]*verb=\"GET\"[^}]*} 20");
        assertThat(m).containsPattern("apiserver_request_total\\{[^}]*dry_run=\"All\",[^}]*subresource=\"/version\","
                + "verb=\"GET\"");
    }

    @Test
    void anonymousIsForbiddenInKubesWords() throws Exception {
        HttpResponse<String> res = send(anonymous, HttpRequest.newBuilder(uri("/metrics")));
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/metrics\\\"");
    }

    private String metrics(HttpClient client) throws Exception {
        HttpResponse<String> res = send(client, HttpRequest.newBuilder(uri("/metrics")));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.body();
    }

    private URI uri(String path) {
        return URI.create(base() + path);
    }

    private String base() {
        return "https://localhost:" + port;
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

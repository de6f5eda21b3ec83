package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@value #COUNT} small CRDs ({@value #PER_GROUP} to a group under {@code *.bulk.scale.e2e.kapi.dev}, each
 * with typed fields, a CEL rule, status, scale and a printer column) created and deleted one after another
 * through the API, timing each until it is served (its list answers 200) or no longer served (404).
 */
final class BulkCrds {

    static final int COUNT = 200;
    static final int PER_GROUP = 10;
    static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final long GIVE_UP_NANOS = 10_000_000_000L;

    private BulkCrds() {
    }

    static String group(int i) {
        return "g" + (i / PER_GROUP) + ".bulk.scale.e2e.kapi.dev";
    }

    static String plural(int i) {
        return "widgets" + i;
    }

    static String listPath(int i) {
        return "/apis/" + group(i) + "/v1/namespaces/default/" + plural(i);
    }

    /** The latencies (ms) of one run over all CRDs. */
    record Run(long[] millis) {

        long maxMillis() {
            return Arrays.stream(millis).max().orElse(0);
        }

        long percentile(double p) {
            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
        }

        String report(String what) {
            return String.format(Locale.ROOT, "%d CRDs, %s: p50 %d ms, p99 %d ms, max %d ms, total %.1f s",
                    millis.length, what, percentile(50), percentile(99), maxMillis(),
                    Arrays.stream(millis).sum() / 1000.0);
        }
    }

    static String crd(int i) {
        String kind = "Widget" + i;
        return """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"%2$s.%1$s"},
                 "spec":{"group":"%1$s","scope":"Namespaced",
                   "names":{"plural":"%2$s","singular":"%4$s","kind":"%3$s","listKind":"%3$sList"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas",
                       "statusReplicasPath":".status.replicas"}},
                     "additionalPrinterColumns":[{"name":"Replicas","type":"integer","jsonPath":".spec.replicas"}],
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{
                       "spec":{"type":"object","x-kubernetes-validations":[{"rule":"self.replicas <= 100"}],
                         "properties":{"replicas":{"type":"integer"},"size":{"type":"string","enum":["s","m","l"]},
                           "name":{"type":"string","pattern":"^[a-z]+$","maxLength":63},
                           "tags":{"type":"array","maxItems":10,"items":{"type":"string"}}}},
                       "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}
                """.formatted(group(i), plural(i), kind, kind.toLowerCase(Locale.ROOT));
    }

    /** Creates the CRDs one after another through {@code client}, each timed until {@code servedBy} serves it. */
    static Run createAll(KubeHttp.Client client, KubeHttp.Client servedBy) {
        long[] millis = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            KubeHttp.Reply r = client.post(CRDS, crd(i));
            long t0 = System.nanoTime();
            assertThat(r.code()).as(r.toString()).isEqualTo(201);
            millis[i] = awaitStatus(servedBy, listPath(i), 200, t0);
        }
        return new Run(millis);
    }

    static Run createAll(KubeHttp.Client client) {
        return createAll(client, client);
    }

    /** Deletes the CRDs one after another, each timed until {@code servedBy} answers 404 for its list. */
    static Run deleteAll(KubeHttp.Client client, KubeHttp.Client servedBy) {
        long[] millis = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            KubeHttp.Reply r = client.delete(CRDS + "/" + plural(i) + "." + group(i));
            long t0 = System.nanoTime();
            assertThat(r.code()).as(r.toString()).isEqualTo(200);
            millis[i] = awaitStatus(servedBy, listPath(i), 404, t0);
        }
        return new Run(millis);
    }

    static Run deleteAll(KubeHttp.Client client) {
        return deleteAll(client, client);
    }

    /** Milliseconds from {@code t0} until a GET of {@code path} answers {@code code}. */
    static long awaitStatus(KubeHttp.Client client, String path, int code, long t0) {
        while (true) {
            int got = client.get(path).code();
            long elapsed = System.nanoTime() - t0;
            if (got == code) {
                return elapsed / 1_000_000;
            }
            if (elapsed > GIVE_UP_NANOS) {
                throw new AssertionError(path + " still answers " + got + " (not " + code + ") after 10 s");
            }
            sleep(2);
        }
    }

    /**
     * Waits (at most 5 s) until all the CRDs are ({@code present}) or none is (otherwise) in aggregated
     * discovery and in the OpenAPI v2 definitions, and prints how long that took and what the documents cost.
     */
    static void assertDiscoveredAndInOpenApi(KubeHttp.Client client, boolean present) {
        long t0 = System.nanoTime();
        while (true) {
            List<String> wrong = new ArrayList<>();
            long t = System.nanoTime();
            KubeHttp.Reply discovery = client.send("GET", "/apis", null, null, "Accept", AGGREGATED);
            long discoveryMillis = (System.nanoTime() - t) / 1_000_000;
            assertThat(discovery.code()).isEqualTo(200);
            assertThat(discovery.json().path("kind").asString()).isEqualTo("APIGroupDiscoveryList");
            Set<String> discovered = discovered(discovery.json());
            t = System.nanoTime();
            KubeHttp.Reply openapi = client.get("/openapi/v2");
            long openapiMillis = (System.nanoTime() - t) / 1_000_000;
            assertThat(openapi.code()).isEqualTo(200);
            JsonNode definitions = openapi.json().path("definitions");
            for (int i = 0; i < COUNT; i++) {
                String resource = group(i) + "/v1/" + plural(i);
                if (discovered.contains(resource) != present) {
                    wrong.add("discovery " + resource);
                }
                String definition = "dev.kapi.e2e.scale.bulk.g" + (i / PER_GROUP) + ".v1.Widget" + i;
                if (definitions.has(definition) != present) {
                    wrong.add("openapi " + definition);
                }
            }
            long waited = (System.nanoTime() - t0) / 1_000_000;
            if (wrong.isEmpty() || waited > 5000) {
                System.out.printf(Locale.ROOT, "with %s bulk CRDs (after %d ms): aggregated discovery %d KiB in %d ms,"
                                + " /openapi/v2 %d KiB in %d ms%n", present ? "all" : "none of the", waited,
                        discovery.body().length() / 1024, discoveryMillis, openapi.body().length() / 1024,
                        openapiMillis);
                assertThat(wrong).as(present ? "missing" : "still there").isEmpty();
                return;
            }
            sleep(100);
        }
    }

    private static Set<String> discovered(JsonNode list) {
        Set<String> out = new HashSet<>();
        for (JsonNode g : list.path("items")) {
            for (JsonNode v : g.path("versions")) {
                for (JsonNode r : v.path("resources")) {
                    out.add(g.path("metadata").path("name").asString() + "/" + v.path("version").asString()
                            + "/" + r.path("resource").asString());
                }
            }
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

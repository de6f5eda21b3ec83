package dev.kapi.apiserver.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The cost of many CustomResourceDefinitions (issue #10): {@value #CRDS} CRDs, ten to a group, each with a
 * schema of {@value #FIELDS} typed fields (bounds, an enum, a pattern), a CEL rule, printer columns and the
 * status and scale subresources, created one after another. For each, the time from sending the POST until a
 * GET of its resource answers 200 (the CRD is named, established, registered and served), beside a raw etcd
 * put of the same CRD JSON as the baseline; then the heap the server holds for them (after a full GC, against
 * before the first) and the time of the OpenAPI v2 document (built, then cached) and discovery with all of them served.
 */
final class CrdPhase {

    static final int CRDS = 200;
    static final int FIELDS = 40;
    private static final String CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private CrdPhase() {
    }

    static void run(ServerProcess server, Client etcd, Report report) throws Exception {
        report.section("Custom resource definitions (issue #10): time until served", "Kapi", "raw etcd put");
        long heapBefore = server.usedHeapAfterGc();
        Latencies served = new Latencies(CRDS);
        Latencies raw = new Latencies(CRDS);
        long started = System.nanoTime();
        try (BenchHttp http = new BenchHttp(server.port())) {
            for (int i = 0; i < CRDS; i++) {
                String group = "g" + (i / 10) + ".bench.kapi.dev";
                String plural = "things" + i;
                byte[] body = crd(group, plural, "Thing" + i).getBytes(StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                etcd.getKVClient().put(ByteSequence.from("/bench-raw/crds/" + plural, StandardCharsets.UTF_8),
                        ByteSequence.from(body)).get();
                raw.add(System.nanoTime() - t0);
                long t1 = System.nanoTime();
                BenchHttp.Response r = http.send("POST", CRDS_PATH, body);
                if (r.status() != 201) {
                    throw new IllegalStateException("CRD create: " + r.status() + " " + r.text());
                }
                String list = "/apis/" + group + "/v1/namespaces/default/" + plural;
                while (http.send("GET", list, null).status() != 200) {
                    if (System.nanoTime() - t1 > 30_000_000_000L) {
                        throw new IllegalStateException(plural + " not served within 30 s");
                    }
                    Thread.sleep(2);
                }
                served.add(System.nanoTime() - t1);
            }
        }
        double totalSeconds = (System.nanoTime() - started) / 1e9;
        for (double p : new double[] {50, 99}) {
            report.compare("p" + (int) p + " create → served", "ms", served.percentileMillis(p), raw.percentileMillis(p),
                    p == 99 ? "< 1,000 ms" : null, p == 99 ? served.percentileMillis(p) < 1000 : null);
        }
        report.compare("max create → served", "ms", served.maxMillis(), raw.maxMillis(), "< 1,000 ms",
                served.maxMillis() < 1000);
        long heapAfter = server.usedHeapAfterGc();
        report.note(String.format(Locale.ROOT, "%d CRDs created and served in %.1f s; heap after a full GC %.1f MiB "
                        + "before, %.1f MiB after: %.0f KiB per CRD", CRDS, totalSeconds, heapBefore / 1048576.0,
                heapAfter / 1048576.0, (heapAfter - heapBefore) / 1024.0 / CRDS));
        try (BenchHttp http = new BenchHttp(server.port())) {
            for (String doc : new String[] {"/openapi/v2", "/openapi/v2", "/apis", "/apis/g0.bench.kapi.dev/v1"}) {
                long t = System.nanoTime();
                BenchHttp.Response r = http.send("GET", doc, null);
                report.note(String.format(Locale.ROOT, "GET %s with %d CRDs served: %d, %.0f ms, %.0f KiB", doc,
                        CRDS, r.status(), (System.nanoTime() - t) / 1e6, r.body().length / 1024.0));
            }
        }
    }

    /** A CRD of {@value #FIELDS} spec fields with a CEL rule, printer columns, status and scale. */
    static String crd(String group, String plural, String kind) {
        StringBuilder fields = new StringBuilder();
        for (int f = 0; f < FIELDS; f++) {
            fields.append(switch (f % 4) {
                case 0 -> "\"f%d\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}".formatted(f);
                case 1 -> "\"f%d\":{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]}".formatted(f);
                case 2 -> "\"f%d\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\",\"maxLength\":63}".formatted(f);
                default -> "\"f%d\":{\"type\":\"array\",\"maxItems\":10,\"items\":{\"type\":\"string\",\"maxLength\":20}}"
                        .formatted(f);
            }).append(',');
        }
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
                         "properties":{%5$s"replicas":{"type":"integer"}}},
                       "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}
                """.formatted(group, plural, kind, kind.toLowerCase(Locale.ROOT), fields);
    }
}

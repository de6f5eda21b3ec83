package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The cost of server-side apply (issue #9) beside a plain update of the same object, on one server: a
 * Deployment with 30 containers (each an image, two env vars, a port and resources) and a ConfigMap with
 * 1,000 keys. Every write sends the whole manifest with one value (container 0's env var {@code SEQ}, the
 * ConfigMap's key {@code k0000}) set to a number never sent before, so every write changes the object:
 * <ul>
 * <li>update: {@code PUT} of the manifest without {@code resourceVersion} (an unconditional update, as
 * {@code kubectl replace} without a GET first);</li>
 * <li>apply: {@code PATCH ...?fieldManager=bench} with {@code application/apply-patch+yaml} and the same
 * manifest as JSON (as kubectl sends it).</li>
 * </ul>
 * Updates and applies go to objects of their own ({@code upd-<n>} created by POST, {@code app-<n>} created by
 * their first apply), because an apply that changes a value an update manager also owns is a conflict. After
 * a warm-up at 4 clients, rounds at 1 client and then at 4 (each client on its own object) measure both in
 * turn, the order alternating from round to round, so that a change in the host's load hits both alike.
 */
final class ApplyPhase {

    static final String NAMESPACE = "bench-apply";
    static final String MANAGER = "bench";
    private static final String APPLY_TYPE = "application/apply-patch+yaml";
    private static final int CONTAINERS = 30;
    private static final int KEYS = 1_000;
    private static final int CLIENTS = 4;
    private static final String HOLE = "@SEQ@";

    /** An object under test: its collection, its manifest by name with {@link #HOLE} for the changing value. */
    private record Kind(String title, String label, String collection, Function<String, String> manifest,
                        String valuePointer) {
    }

    /** A manifest cut at its changing value, so that a write costs the client one copy. */
    private record Template(byte[] head, byte[] tail) {
        static Template of(String manifest) {
            int i = manifest.indexOf(HOLE);
            return new Template(manifest.substring(0, i).getBytes(StandardCharsets.UTF_8),
                    manifest.substring(i + HOLE.length()).getBytes(StandardCharsets.UTF_8));
        }

        byte[] with(long value) {
            byte[] v = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[head.length + v.length + tail.length];
            System.arraycopy(head, 0, out, 0, head.length);
            System.arraycopy(v, 0, out, head.length, v.length);
            System.arraycopy(tail, 0, out, head.length + v.length, tail.length);
            return out;
        }
    }

    /** The sum of the rounds of one operation at one concurrency. */
    private static final class Totals {
        long ops;
        double seconds;
        long cpuMillis;
        final Latencies latencies = new Latencies(1_000_000);

        void add(Load.Result r) {
            ops += r.ops();
            seconds += r.seconds();
            cpuMillis += r.serverCpuMillis();
            latencies.addAll(r.latencies());
        }

        double perSecond() {
            return ops / seconds;
        }

        double cpuPerOp() {
            return (double) cpuMillis / Math.max(1, ops);
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("Deployment with " + CONTAINERS + " containers", "Deployment",
                    "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments", ApplyPhase::deployment,
                    "/spec/template/spec/containers/0/env/0/value"),
            new Kind("ConfigMap with " + String.format(Locale.ROOT, "%,d", KEYS) + " keys", "ConfigMap",
                    "/api/v1/namespaces/" + NAMESPACE + "/configmaps", ApplyPhase::configMap, "/data/k0000"));

    private final BenchOptions options;
    private final ServerProcess server;
    private final AtomicLong values = new AtomicLong();
    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();

    private ApplyPhase(BenchOptions options, ServerProcess server) {
        this.options = options;
        this.server = server;
    }

    static void run(BenchOptions options, ServerProcess server, Report report) throws Exception {
        new ApplyPhase(options, server).run(report);
    }

    private void run(Report report) throws Exception {
        new BenchWork(server.port(), null).createNamespace(NAMESPACE);
        for (Kind kind : KINDS) {
            create(kind);
        }
        Duration slice = options.applyPhase();
        int rounds = options.applyRounds();
        int concurrentRounds = Math.max(2, rounds / 2);
        for (Kind kind : KINDS) {
            ApiServerBenchmark.phase("apply: warm-up, " + kind.label() + ", " + slice.multipliedBy(3).toSeconds()
                    + " s of updates then of applies at " + CLIENTS + " clients");
            Load.run(CLIENTS, slice.multipliedBy(3), i -> writer(kind, i, false), null);
            Load.run(CLIENTS, slice.multipliedBy(3), i -> writer(kind, i, true), null);
        }
        int kinds = KINDS.size();
        Totals[][] update = new Totals[kinds][2];
        Totals[][] apply = new Totals[kinds][2];
        for (int k = 0; k < kinds; k++) {
            for (int c = 0; c < 2; c++) {
                update[k][c] = new Totals();
                apply[k][c] = new Totals();
            }
        }
        int[] concurrency = {1, CLIENTS};
        for (int c = 0; c < 2; c++) {
            int n = c == 0 ? rounds : concurrentRounds;
            for (int round = 0; round < n; round++) {
                for (int k = 0; k < kinds; k++) {
                    Kind kind = KINDS.get(k);
                    boolean applyFirst = round % 2 == 1;
                    ApiServerBenchmark.phase("apply: " + kind.label() + ", " + concurrency[c] + " client(s), round "
                            + (round + 1) + " of " + n + (applyFirst ? ", apply then update" : ", update then apply"));
                    Load.Result u;
                    Load.Result a;
                    if (applyFirst) {
                        a = measure(kind, concurrency[c], true, slice);
                        u = measure(kind, concurrency[c], false, slice);
                    } else {
                        u = measure(kind, concurrency[c], false, slice);
                        a = measure(kind, concurrency[c], true, slice);
                    }
                    System.out.print("  update:");
                    ServerPhases.printLoad(u, null);
                    System.out.print("  apply: ");
                    ServerPhases.printLoad(a, null);
                    update[k][c].add(u);
                    apply[k][c].add(a);
                }
            }
        }
        for (int k = 0; k < kinds; k++) {
            Kind kind = KINDS.get(k);
            String sizes = check(kind);
            report(report, kind, update[k], apply[k], sizes, rounds, concurrentRounds, slice);
        }
    }

    /** Creates {@code upd-<n>} by POST and {@code app-<n>} by apply (201 each), one per client. */
    private void create(Kind kind) throws IOException {
        try (BenchHttp http = new BenchHttp(server.port())) {
            for (int i = 0; i < CLIENTS; i++) {
                long v = values.incrementAndGet();
                BenchWork.expect(http.send("POST", kind.collection(),
                        Template.of(kind.manifest().apply(name(false, i))).with(v)), 201);
                lastWritten.put(kind.label() + "/" + name(false, i), v);
                v = values.incrementAndGet();
                BenchWork.expect(http.send("PATCH", kind.collection() + "/" + name(true, i) + "?fieldManager=" + MANAGER,
                        APPLY_TYPE, Template.of(kind.manifest().apply(name(true, i))).with(v)), 201);
                lastWritten.put(kind.label() + "/" + name(true, i), v);
            }
        }
    }

    private static String name(boolean apply, int index) {
        return (apply ? "app-" : "upd-") + index;
    }

    private Load.Result measure(Kind kind, int clients, boolean apply, Duration duration) throws Exception {
        return Load.run(clients, duration, i -> writer(kind, i, apply), server);
    }

    /** A client writing object {@code index} of {@code kind}: PUTs to {@code upd-<index>} or applies to {@code app-<index>}. */
    private Load.Worker writer(Kind kind, int index, boolean apply) throws IOException {
        BenchHttp http = new BenchHttp(server.port());
        String name = name(apply, index);
        Template template = Template.of(kind.manifest().apply(name));
        String path = kind.collection() + "/" + name + (apply ? "?fieldManager=" + MANAGER : "");
        String key = kind.label() + "/" + name;
        return new Load.Worker() {
            @Override
            public void run(long seq) throws Exception {
                long v = values.incrementAndGet();
                byte[] body = template.with(v);
                BenchWork.expect(apply ? http.send("PATCH", path, APPLY_TYPE, body) : http.send("PUT", path, body), 200);
                lastWritten.put(key, v);
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    /**
     * Reads every object back: it must hold the value last written, and an applied one an {@code Apply} entry of
     * {@link #MANAGER}. Returns the sizes of object 0 of both for the report's notes.
     */
    private String check(Kind kind) throws IOException {
        StringBuilder sizes = new StringBuilder(String.format(Locale.ROOT, "manifest %,d bytes; read back:",
                Template.of(kind.manifest().apply(name(true, 0))).with(values.get()).length));
        try (BenchHttp http = new BenchHttp(server.port())) {
            for (boolean apply : new boolean[] {false, true}) {
                for (int i = 0; i < CLIENTS; i++) {
                    String name = name(apply, i);
                    byte[] body = BenchWork.expect(http.send("GET", kind.collection() + "/" + name, null), 200);
                    JsonNode object = Json.MAPPER.readTree(body);
                    String value = object.at(kind.valuePointer()).asString("");
                    String expected = Long.toString(lastWritten.get(kind.label() + "/" + name));
                    if (!value.equals(expected)) {
                        throw new IllegalStateException(kind.label() + " " + name + " holds " + value + " at "
                                + kind.valuePointer() + ", but the last write sent " + expected);
                    }
                    JsonNode managed = object.path("metadata").path("managedFields");
                    boolean ownsByApply = false;
                    int fieldsBytes = 0;
                    for (JsonNode entry : managed) {
                        ownsByApply |= MANAGER.equals(entry.path("manager").asString(""))
                                && "Apply".equals(entry.path("operation").asString(""));
                        fieldsBytes += Json.bytes(entry.path("fieldsV1")).length;
                    }
                    if (apply && !ownsByApply) {
                        throw new IllegalStateException(kind.label() + " " + name + " has no Apply entry of "
                                + MANAGER + ": " + managed);
                    }
                    if (i == 0) {
                        sizes.append(String.format(Locale.ROOT, "%s %s %,d bytes (%d managedFields %s, fieldsV1 %,d"
                                        + " bytes)", apply ? ";" : "", apply ? "applied" : "updated", body.length,
                                managed.size(), managed.size() == 1 ? "entry" : "entries", fieldsBytes));
                    }
                }
            }
        }
        return sizes.toString();
    }

    private static void report(Report report, Kind kind, Totals[] update, Totals[] apply, String sizes, int rounds,
                               int concurrentRounds, Duration slice) {
        report.section("Server-side apply beside a plain update: " + kind.title(), "apply", "update (PUT)");
        double p50 = apply[0].latencies.percentileMillis(50) / update[0].latencies.percentileMillis(50);
        double cpu = apply[0].cpuPerOp() / update[0].cpuPerOp();
        double time = update[0].perSecond() / apply[0].perSecond();
        System.out.printf(Locale.ROOT, "  %s: apply / update = %.2f× (p50, 1 client), %.2f× (time per write, 1 client),"
                + " %.2f× (server CPU per write, 1 client)%n", kind.label(), p50, time, cpu);
        for (int c = 0; c < 2; c++) {
            String clients = c == 0 ? "1 client" : CLIENTS + " clients";
            boolean goal = c == 0;
            report.compare("writes/s, " + clients, "/s", apply[c].perSecond(), update[c].perSecond(), null, null);
            double a50 = apply[c].latencies.percentileMillis(50);
            double u50 = update[c].latencies.percentileMillis(50);
            report.compare("p50, " + clients, "ms", a50, u50, goal ? "≤ 3×" : null, goal ? a50 <= 3 * u50 : null);
            report.compare("p99, " + clients, "ms", apply[c].latencies.percentileMillis(99),
                    update[c].latencies.percentileMillis(99), null, null);
            report.compare("server CPU per write, " + clients, "ms", apply[c].cpuPerOp(), update[c].cpuPerOp(),
                    goal ? "≤ 3×" : null, goal ? apply[c].cpuPerOp() <= 3 * update[c].cpuPerOp() : null);
        }
        report.note(sizes);
        report.note(String.format(Locale.ROOT, "%d rounds of %d s per operation at 1 client and %d at %d clients"
                        + " (each its own object), the order alternating; writes: %,d updates and %,d applies at 1 client",
                rounds, slice.toSeconds(), concurrentRounds, CLIENTS, update[0].ops, apply[0].ops));
    }

    /** A Deployment of 30 containers, container 0's env var {@code SEQ} the changing value. */
    static String deployment(String name) {
        StringBuilder s = new StringBuilder(16 * 1024).append("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",")
                .append("\"metadata\":{\"name\":\"").append(name).append("\",\"labels\":{\"app\":\"bench-apply\"}},")
                .append("\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"").append(name).append("\"}},")
                .append("\"template\":{\"metadata\":{\"labels\":{\"app\":\"").append(name).append("\"}},")
                .append("\"spec\":{\"containers\":[");
        for (int i = 0; i < CONTAINERS; i++) {
            s.append(i == 0 ? "" : ",").append("{\"name\":\"c-").append(i)
                    .append("\",\"image\":\"registry.example/bench/app-").append(i).append(":1.0\",")
                    .append("\"env\":[{\"name\":\"SEQ\",\"value\":\"").append(i == 0 ? HOLE : "0")
                    .append("\"},{\"name\":\"MODE\",\"value\":\"bench\"}],")
                    .append("\"ports\":[{\"containerPort\":").append(8000 + i).append("}],")
                    .append("\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"},")
                    .append("\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}");
        }
        return s.append("]}}}}").toString();
    }

    /** A ConfigMap of 1,000 keys {@code k0000..k0999}, {@code k0000} the changing value. */
    static String configMap(String name) {
        StringBuilder s = new StringBuilder(40 * 1024).append("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",")
                .append("\"metadata\":{\"name\":\"").append(name).append("\",\"labels\":{\"app\":\"bench-apply\"}},")
                .append("\"data\":{");
        for (int i = 0; i < KEYS; i++) {
            String key = String.format(Locale.ROOT, "k%04d", i);
            s.append(i == 0 ? "" : ",").append('"').append(key).append("\":\"")
                    .append(i == 0 ? HOLE : "value-of-" + key + "-" + "x".repeat(16)).append('"');
        }
        return s.append("}}").toString();
    }
}

package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * {@code -Dbench.scale=true}: issue #14's scale run. Its own etcd and one server ({@code AlwaysAllow});
 * loads {@link ScaleOptions#configMaps()} ConfigMaps and {@link ScaleOptions#pods()} Pods across
 * {@link ScaleOptions#namespaces()} namespaces ({@link ScaleObjects}) from many clients and reports the load
 * rate; runs {@link ScaleTraffic} (after a warm-up of it that is not measured) and holds each category's worst
 * operation's p99 against kube's API call
 * latency SLO and the 10× margin goal; compares the server's heap after a full GC with the bytes etcd stores for those objects
 * (a raw range read of {@code /registry/configmaps/} and {@code /registry/pods/}), goal ≤ 3×; then stops the
 * server with SIGTERM, starts it again on the same etcd and times it until {@code /readyz} answers 200, until
 * a consistent list of a namespace answers, until a list with {@code resourceVersion=0} answers and until a
 * list of every Pod answers (each beside the first start on the empty etcd where there is one), and reads its
 * heap again. {@code -Dbench.histogram=true} prints the server's largest classes (live objects) beside each heap
 * reading.
 */
final class ScaleRun {

    private static final String[] PREFIXES = {"/registry/configmaps/", "/registry/pods/"};

    private ScaleRun() {
    }

    static void run(BenchOptions options, Report report) throws Exception {
        ScaleOptions scale = ScaleOptions.fromSystemProperties(options.quick());
        System.out.println("scale options: " + scale);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        ServerProcess.Spec spec = ServerProcess.Spec.etcd("server-scale", etcdProcess.endpoint(), "AlwaysAllow", null,
                "/registry");
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).maxInboundMessageSize(512 * 1024 * 1024).build()) {
            ServerProcess server = ServerProcess.launch(options, spec);
            try {
                ScaleReport.Restart firstStart = ScaleReport.awaitStart(server, "default");
                System.out.printf("etcd %s, server pid %d on 127.0.0.1:%d (log %s)%n", etcdProcess.endpoint(),
                        server.pid(), server.port(), server.log());
                report.section(String.format(Locale.ROOT, "Scale (issue #14): %,d ConfigMaps and %,d Pods in %,d namespaces, "
                                + "Kapi on etcd", scale.configMaps(), scale.pods(), scale.namespaces()), "Kapi",
                        "SLO / baseline");
                long emptyHeap = server.usedHeapAfterGc();
                load(server, scale, report);
                warmUp(server, scale, report);
                ApiServerBenchmark.phase(String.format(Locale.ROOT, "mixed traffic: %d clients (%d cluster-wide) for %d s, "
                                + "%d ms pause between calls (%d ms for cluster-wide)", scale.clients(), scale.clusterClients(),
                        scale.traffic().toSeconds(), scale.thinkMillis(), scale.clusterThinkMillis()));
                long cpu = server.cpuMillis();
                ScaleTraffic.Result traffic = new ScaleTraffic(server.port(), scale, scale.traffic(), "t").run();
                double cpuSeconds = (server.cpuMillis() - cpu) / 1000.0;
                report.note(String.format(Locale.ROOT, "mixed traffic: server CPU %.1f s in %.0f s (%.2f cores)",
                        cpuSeconds, traffic.seconds(), cpuSeconds / traffic.seconds()));
                ScaleReport.traffic(traffic, report);
                settle(server, scale, "after the traffic", report);
                noteUnboundPods(server, report);
                long stored = storedBytes(etcd.getKVClient());
                printCacheMetrics(server);
                ApiServerBenchmark.phase("heap after a full GC (jcmd GC.class_histogram; GC.run, GC.heap_info)");
                ScaleReport.heap("server heap (live objects), with the data loaded and the traffic done", server,
                        stored, report);
                report.note(String.format(Locale.ROOT, "heap after GC before loading: %,d MB; stored: %,d bytes of values",
                        emptyHeap >> 20, stored));
                server = restart(options, spec, server, scale, firstStart, stored, report);
            } finally {
                server.close();
            }
        } finally {
            etcdProcess.close();
        }
    }

    /**
     * The same traffic for {@link ScaleOptions#warmUp}, not measured: after the load the server has only
     * created objects, so every read path is still interpreted code and the JIT compiles them during the first
     * seconds of traffic (the first list of every Pod took 4 to 5 s, the next ones 0.3 to 1 s). Its lists of
     * every Pod are noted.
     */
    private static void warmUp(ServerProcess server, ScaleOptions scale, Report report) throws InterruptedException {
        if (scale.warmUp().isZero()) {
            return;
        }
        ApiServerBenchmark.phase("warm-up: the same traffic for " + scale.warmUp().toSeconds() + " s, not measured");
        ScaleTraffic.Result warm = new ScaleTraffic(server.port(), scale, scale.warmUp(), "w").run();
        report.note("warm-up (" + scale.warmUp().toSeconds() + " s of the same traffic, not measured): lists of every "
                + "Pod (start: duration) " + String.join("; ", warm.everyPodLists()) + "; errors " + warm.errors());
    }

    private static void load(ServerProcess server, ScaleOptions scale, Report report) throws Exception {
        int n = scale.namespaces();
        ApiServerBenchmark.phase("load: " + n + " namespaces");
        parallel(server.port(), n, scale.loadClients(), i -> "/api/v1/namespaces",
                i -> ScaleObjects.namespaceJson(ScaleObjects.namespace(i)));
        ApiServerBenchmark.phase("load: " + scale.nodes() + " Nodes");
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        parallel(server.port(), scale.nodes(), scale.loadClients(), i -> "/api/v1/nodes",
                i -> ScaleObjects.nodeJson(ScaleObjects.node(i), now));
        ApiServerBenchmark.phase(String.format(Locale.ROOT, "load: %,d ConfigMaps, %d clients", scale.configMaps(),
                scale.loadClients()));
        double s = parallel(server.port(), scale.configMaps(), scale.loadClients(),
                i -> "/api/v1/namespaces/" + ScaleObjects.namespace(i % n) + "/configmaps",
                i -> ScaleObjects.configMap("cm-" + i, i));
        report.compare(String.format(Locale.ROOT, "load: ConfigMaps created/s (%d clients, %,d in %.0f s)", scale.loadClients(),
                scale.configMaps(), s), "/s", scale.configMaps() / s, Double.NaN, null, null);
        ApiServerBenchmark.phase(String.format(Locale.ROOT, "load: %,d Pods on %d nodes, %d clients", scale.pods(), scale.nodes(),
                scale.loadClients()));
        s = parallel(server.port(), scale.pods(), scale.loadClients(),
                i -> "/api/v1/namespaces/" + ScaleObjects.namespace(i % n) + "/pods",
                i -> ScaleObjects.pod("pod-" + i, i, i % 5 == 4 ? null : ScaleObjects.node(nodeOf(i, scale.nodes()))));
        report.compare(String.format(Locale.ROOT, "load: Pods created/s (%d clients, %,d in %.0f s)", scale.loadClients(),
                scale.pods(), s), "/s", scale.pods() / s, Double.NaN, null, null);
    }

    /** The node of loaded Pod {@code i} (spread evenly, not in step with its namespace). */
    static int nodeOf(int i, int nodes) {
        return (int) Math.floorMod(i * 2_654_435_761L, (long) nodes);
    }

    /** POSTs {@code count} objects from {@code clients} connections (each retried up to 5 times, 1 s apart); returns seconds. */
    private static double parallel(int port, int count, int clients, IntFunction<String> path, IntFunction<byte[]> body)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        long t = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    try (BenchHttp http = new BenchHttp(port)) {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            for (int attempt = 0; ; attempt++) {
                                BenchHttp.Response r = http.send("POST", path.apply(i), body.apply(i));
                                if (r.status() == 201) {
                                    break;
                                }
                                if (attempt == 5) {
                                    throw new IllegalStateException("create " + path.apply(i) + " answered "
                                            + r.status() + ": " + r.text());
                                }
                                if (retries.incrementAndGet() <= 3) { // why, for the first few
                                    System.out.printf(Locale.ROOT, "  retrying %s: %d %s%n", path.apply(i), r.status(),
                                            r.text().substring(0, Math.min(300, r.text().length())));
                                }
                                Thread.sleep(1_000);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "  %,d created in %.1f s (%,.0f /s, %d retried)%n", count, seconds, count / seconds,
                retries.get());
        return seconds;
    }

    /** The sum of the sizes of the values etcd holds under the ConfigMap and Pod prefixes (range reads in pages). */
    static long storedBytes(KV kv) throws Exception {
        long bytes = 0;
        for (String prefix : PREFIXES) {
            byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
            end[end.length - 1]++;
            ByteSequence rangeEnd = ByteSequence.from(end);
            ByteSequence start = ByteSequence.from(prefix, StandardCharsets.UTF_8);
            long keys = 0;
            long values = 0;
            while (true) {
                GetResponse page = kv.get(start, GetOption.builder().withRange(rangeEnd).withLimit(10_000).build()).get();
                for (var kv1 : page.getKvs()) {
                    values += kv1.getValue().size();
                }
                keys += page.getKvs().size();
                if (!page.isMore() || page.getKvs().isEmpty()) {
                    break;
                }
                byte[] last = page.getKvs().getLast().getKey().getBytes();
                start = ByteSequence.from(java.util.Arrays.copyOf(last, last.length + 1));
            }
            System.out.printf(Locale.ROOT, "  etcd %s: %,d keys, %,d bytes of values (%,.0f B each)%n", prefix, keys, values,
                    (double) values / Math.max(1, keys));
            bytes += values;
        }
        return bytes;
    }

    private static ServerProcess restart(BenchOptions options, ServerProcess.Spec spec, ServerProcess server,
                                         ScaleOptions scale, ScaleReport.Restart empty, long stored, Report report)
            throws Exception {
        ApiServerBenchmark.phase("restart: SIGTERM, then a new server on the same etcd");
        long t = System.nanoTime();
        server.close();
        double stopMillis = (System.nanoTime() - t) / 1e6;
        ServerProcess restarted = ServerProcess.launch(options, spec);
        ScaleReport.Restart times = ScaleReport.awaitStart(restarted, ScaleObjects.namespace(0));
        report.compare("restart: SIGTERM until the server exited", "ms", stopMillis, Double.NaN, null, null);
        report.compare("restart: start until `/readyz` answers 200 (baseline: first start, empty etcd)", "ms",
                times.readyMillis(), empty.readyMillis(), null, null);
        report.compare("restart: start until a consistent list of a namespace answers (baseline: first start)", "ms",
                times.listMillis(), empty.listMillis(), null, null);
        report.compare("restart: start until a list with `resourceVersion=0` answers (baseline: first start)", "ms",
                times.rv0Millis(), empty.rv0Millis(), null, null);
        ScaleReport.clusterListsAfterRestart(restarted, times, report);
        settle(restarted, scale, "after the restart's lists", report);
        printCacheMetrics(restarted);
        ScaleReport.heap("server heap (live objects), after the restart (" + scale.settle().toSeconds()
                + " s after ready)", restarted, stored, report);
        return restarted;
    }

    /** Waits the settle time before a heap reading, noting the server's CPU meanwhile (is it quiet yet?). */
    private static void settle(ServerProcess server, ScaleOptions scale, String when, Report report)
            throws InterruptedException {
        long cpu = server.cpuMillis();
        Thread.sleep(scale.settle().toMillis());
        report.note(String.format(Locale.ROOT, "server CPU in the %d s of quiet %s: %.1f s", scale.settle().toSeconds(),
                when, (server.cpuMillis() - cpu) / 1000.0));
    }

    /**
     * Notes how many Pods no node was given once the traffic is over: the scheduler should have bound the ones
     * loaded unbound and those the traffic created (until 2026-12-05 none was: the nodes kept the not-ready taint).
     */
    private static void noteUnboundPods(ServerProcess server, Report report) throws IOException {
        try (BenchHttp http = new BenchHttp(server.port())) {
            BenchHttp.Response r = http.send("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3D", null);
            int unbound = r.status() == 200 ? Json.MAPPER.readTree(r.body()).path("items").size() : -1;
            report.note(String.format(Locale.ROOT, "Pods without a node after the traffic: %,d%s", unbound,
                    r.status() == 200 ? "" : " (list answered " + r.status() + ")"));
        }
    }

    /** Prints the server's {@code *watch_cache*} metric lines, if it has any (the watch cache of issue #14). */
    private static void printCacheMetrics(ServerProcess server) {
        if (Boolean.getBoolean("bench.histogram")) {
            try {
                server.classHistogram().lines().filter(l -> l.startsWith("Total") || !l.matches("\\s*\\d{3,}:.*"))
                        .forEach(l -> System.out.println("  histogram: " + l));
            } catch (IOException | InterruptedException e) {
                System.out.println("  (no histogram: " + e + ")");
            }
        }
        try (BenchHttp http = new BenchHttp(server.port())) {
            BenchHttp.Response r = http.send("GET", "/metrics", null);
            r.text().lines().filter(l -> l.contains("watch_cache") && !l.startsWith("#")
                            && (l.contains("configmaps") || l.contains("pods") || !l.contains("resource=")))
                    .limit(40).forEach(l -> System.out.println("  metric: " + l));
        } catch (IOException e) {
            System.out.println("  (no /metrics: " + e + ")");
        }
    }
}

package dev.kapi.apiserver.bench;

import io.etcd.jetcd.Client;
import java.util.Locale;
import java.util.Map;

/**
 * The throughput and latency phases against one server: warm-up, creates and gets at 1 and 32 clients, a
 * list of many ConfigMaps, watch delivery to many watchers. Against the server on etcd ({@code etcd}
 * given) each figure sits beside a raw jetcd baseline doing the same work right after it, and is kept in
 * {@code etcdFigures}; against the server on the embedded store ({@code etcd} null) each figure sits
 * beside the etcd-backed server's figure of the same name.
 */
final class ServerPhases {

    static final int[] CONCURRENCY = {1, 32};
    private static final java.time.Duration SETTLE_ROUND = java.time.Duration.ofSeconds(8);
    private static final java.time.Duration SETTLE_LIMIT = java.time.Duration.ofSeconds(150);

    private final BenchOptions options;
    private final ServerProcess server;
    private final Client etcd;
    private final BenchWork work;
    private final Report report;
    private final Map<String, Double> etcdFigures;

    ServerPhases(BenchOptions options, ServerProcess server, Client etcd, Report report, Map<String, Double> etcdFigures) {
        this.options = options;
        this.server = server;
        this.etcd = etcd;
        this.work = new BenchWork(server.port(), etcd == null ? null : etcd.getKVClient());
        this.report = report;
        this.etcdFigures = etcdFigures;
    }

    BenchWork work() {
        return work;
    }

    void createNamespaces() throws Exception {
        for (String ns : new String[] {"bench-warm", "bench-warm-read", "bench-create", "bench-get", "bench-list", "bench-watch", "bench-idle"}) {
            work.createNamespace(ns);
        }
    }

    private boolean raw() {
        return etcd != null;
    }

    /** Reports a figure: beside its raw baseline (etcd-backed server), or beside the etcd-backed server's figure. */
    private void figure(String metric, String unit, double kapi, double raw, String goal, Boolean met) {
        if (raw()) {
            etcdFigures.put(metric, kapi);
            report.compare(metric, unit, kapi, raw, goal, met);
        } else {
            report.compare(metric, unit, kapi, etcdFigures.getOrDefault(metric, Double.NaN), goal, met);
        }
    }

    void warmUp() throws Exception {
        ApiServerBenchmark.phase("warm-up (" + options.warmup().toSeconds() + " s creates + gets + lists)");
        Load.run(32, options.warmup(), i -> work.serverCreate("bench-warm", "w" + i), null);
        work.fillServer("bench-warm-read", "g", 500);
        Load.run(32, options.warmup().dividedBy(2), i -> work.serverGet("bench-warm-read", "g", 500), null);
        for (int i = 0; i < 5; i++) {
            work.serverList("bench-warm-read");
            work.serverListPaged("bench-warm-read", 100);
        }
        if (raw()) {
            work.useStoredValueOf("/registry/configmaps/bench-warm-read/g-0");
            Load.run(32, options.warmup().dividedBy(3), i -> work.rawPut("/bench-raw/warm/w" + i + "-"), null);
            System.out.printf("  stored ConfigMap value: %d bytes (raw puts use the same bytes)%n", work.storedValueSize());
        }
    }

    void creates() throws Exception {
        creates(CONCURRENCY);
    }

    /** Creates/s at each of {@code concurrency}, beside raw puts and (on etcd) raw create transactions. */
    void creates(int... concurrency) throws Exception {
        boolean settled = false;
        for (int c : concurrency) {
            if (c > 1 && !settled) {
                settleCreates();
                settled = true;
            }
            ApiServerBenchmark.phase("creates, " + c + " client(s)");
            Load.Result kapi = Load.run(c, options.phase(), i -> work.serverCreate("bench-create", "c" + c + "-" + i), server);
            Load.Result raw = raw() ? Load.run(c, options.phase(), i -> work.rawPut("/bench-raw/create/c" + c + "-" + i + "-"), null) : null;
            printLoad(kapi, raw);
            System.out.printf("  (HTTP connections the server closed and the client reopened so far: %d)%n",
                    BenchHttp.reconnects());
            boolean goal = c == 32 && raw();
            String clients = c + " client" + (c > 1 ? "s" : "");
            figure("creates/s, " + clients, "/s", kapi.perSecond(), raw == null ? Double.NaN : raw.perSecond(),
                    goal ? "≥ 0.5× raw" : null, goal ? kapi.perSecond() >= 0.5 * raw.perSecond() : null);
            figure("create p99, " + clients, "ms", kapi.latencies().percentileMillis(99),
                    raw == null ? Double.NaN : raw.latencies().percentileMillis(99), null, null);
            if (raw()) {
                // not the goal's baseline, but what etcd does for each create through the server
                Load.Result txn = Load.run(c, options.phase(), i -> work.rawCreateTxn("/bench-raw/txn/c" + c + "-" + i + "-"), null);
                System.out.printf(Locale.ROOT, "  raw etcd create transactions (if absent then put): %,.0f/s (p99 %.2f ms)%n",
                        txn.perSecond(), txn.latencies().percentileMillis(99));
                report.note(String.format(Locale.ROOT, "creates, %s: raw etcd create transactions (`if createRevision == 0 then put`, "
                        + "what the server sends for a create) %,.0f /s, p99 %.2f ms; Kapi is %.2f× of that", clients,
                        txn.perSecond(), txn.latencies().percentileMillis(99), kapi.perSecond() / txn.perSecond()));
                if (c == 32) {
                    report.compare("creates/s, " + clients + ", beside raw etcd create transactions", "/s", kapi.perSecond(),
                            txn.perSecond(), "≥ 0.85× txns (#14)", kapi.perSecond() >= 0.85 * txn.perSecond());
                }
            }
        }
    }

    /**
     * Creates at 32 clients in rounds until the server's CPU per create stops falling (by less than a tenth from one
     * round to the next, after at least three rounds; at most {@link #SETTLE_LIMIT}). On two shared cores the JIT
     * needs a minute or more of creates to compile the create path: {@code CreateProfile} rounds showed the server's
     * CPU per create falling from 6.1 ms to 0.45 ms over 80 s, so creates measured after the short warm-up measured
     * the compiler as much as the server. A quick run does one round.
     */
    private void settleCreates() throws Exception {
        ApiServerBenchmark.phase("creates, 32 clients, until the server's CPU per create settles");
        long end = System.nanoTime() + (options.quick() ? 0 : SETTLE_LIMIT.toNanos());
        double last = Double.NaN;
        for (int round = 0; ; round++) {
            String tag = "s" + round + "-";
            Load.Result r = Load.run(32, options.quick() ? options.phase() : SETTLE_ROUND,
                    i -> work.serverCreate("bench-warm", tag + i), server);
            double cpu = (double) r.serverCpuMillis() / Math.max(1, r.ops());
            System.out.printf(Locale.ROOT, "  round %d: %,.0f creates/s, server CPU %.3f ms per create%n", round,
                    r.perSecond(), cpu);
            if (round >= 2 && cpu >= 0.9 * last || System.nanoTime() - end > 0) {
                return;
            }
            last = cpu;
        }
    }

    void gets() throws Exception {
        int objects = 1_000;
        if (raw()) {
            // the raw keys first: the server's writes are etcd's latest, as on an etcd of its own (a write
            // outside its prefix would send its consistent reads to etcd before etcd 3.4.31, see the README)
            work.fillRaw("/bench-raw/get/g-", objects);
        }
        work.fillServer("bench-get", "g", objects);
        for (int c : CONCURRENCY) {
            ApiServerBenchmark.phase("gets, " + c + " client(s)");
            Load.Result kapi = Load.run(c, options.phase(), i -> work.serverGet("bench-get", "g", objects), server);
            Load.Result raw = raw() ? Load.run(c, options.phase(), i -> work.rawGet("/bench-raw/get/g-", objects), null) : null;
            printLoad(kapi, raw);
            boolean goal = c == 32 && raw();
            figure("gets/s, " + c + " client" + (c > 1 ? "s" : ""), "/s", kapi.perSecond(),
                    raw == null ? Double.NaN : raw.perSecond(), goal ? "≥ 2× raw (#14)" : null,
                    goal ? kapi.perSecond() >= 2 * raw.perSecond() : null);
        }
    }

    void list() throws Exception {
        int size = options.listSize();
        int pageSize = 500;
        ApiServerBenchmark.phase("list of " + size + " ConfigMaps (filling the namespace first)");
        work.fillServer("bench-list", "l", size);
        work.awaitRootCaConfigMap("bench-list");
        int expected = size + 1; // and kube-root-ca.crt, which both the list and the raw range read count
        String prefix = "/registry/configmaps/bench-list/";
        int items = work.serverListCount("bench-list", pageSize); // also warms up
        int keys = raw() ? work.rawRange(prefix) : expected;
        if (items != expected || keys != expected) {
            throw new IllegalStateException("list returned " + items + " items, range " + keys + " keys, expected "
                    + expected);
        }
        BenchHttp.Response full = work.serverListResponse("bench-list");
        boolean unpagedWorks = full.status() == 200;
        if (!unpagedWorks) {
            report.note("a full list of " + size + " ConfigMaps without `limit` FAILS: HTTP " + full.status() + " " + full.text());
        }
        int reps = options.listRepetitions();
        Latencies kapi = new Latencies(reps);
        Latencies kapiPaged = new Latencies(reps);
        Latencies raw = new Latencies(reps);
        Latencies rawPaged = new Latencies(reps);
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            if (unpagedWorks) {
                work.serverList("bench-list");
                kapi.add(System.nanoTime() - t);
                t = System.nanoTime();
            }
            work.serverListPaged("bench-list", pageSize);
            kapiPaged.add(System.nanoTime() - t);
            if (raw()) {
                t = System.nanoTime();
                work.rawRange(prefix);
                raw.add(System.nanoTime() - t);
                t = System.nanoTime();
                work.rawRangePaged(prefix, pageSize);
                rawPaged.add(System.nanoTime() - t);
            }
        }
        if (unpagedWorks) {
            System.out.printf(Locale.ROOT, "  kapi one response: median %.1f ms p99 %.1f ms (%,d bytes)%n",
                    kapi.percentileMillis(50), kapi.percentileMillis(99), work.lastListBytes());
        }
        System.out.printf(Locale.ROOT, "  kapi pages of %d: median %.1f ms p99 %.1f ms; raw one range: median %.1f ms"
                        + " p99 %.1f ms; raw pages: median %.1f ms p99 %.1f ms%n", pageSize,
                kapiPaged.percentileMillis(50), kapiPaged.percentileMillis(99),
                raw.percentileMillis(50), raw.percentileMillis(99), rawPaged.percentileMillis(50), rawPaged.percentileMillis(99));
        String what = "list " + String.format(Locale.ROOT, "%,d", size) + " ConfigMaps";
        String runs = " (" + reps + " runs)";
        if (unpagedWorks) {
            figure(what + ", one response, median", "ms", kapi.percentileMillis(50), raw.percentileMillis(50),
                    raw() ? "≤ 1× raw (#14)" : null, raw() ? kapi.percentileMillis(50) <= raw.percentileMillis(50) : null);
            figure(what + ", one response, p99" + runs, "ms", kapi.percentileMillis(99), raw.percentileMillis(99), null, null);
        } else {
            String why = "fails: HTTP " + full.status();
            report.failed(what + ", one response, median", why, "ms", raw.percentileMillis(50));
            report.failed(what + ", one response, p99" + runs, why, "ms", raw.percentileMillis(99));
        }
        figure(what + ", pages of " + pageSize + ", median", "ms", kapiPaged.percentileMillis(50),
                rawPaged.percentileMillis(50), null, null);
        figure(what + ", pages of " + pageSize + ", p99" + runs, "ms", kapiPaged.percentileMillis(99),
                rawPaged.percentileMillis(99), null, null);
    }

    void watchLatency() throws Exception {
        int n = options.watchers();
        ApiServerBenchmark.phase("watch delivery, " + n + " watchers, " + options.watchEvents() + " events at "
                + options.watchRatePerSecond() + "/s");
        WatchLatencyPhase phase = new WatchLatencyPhase(n, options.watchEvents(), options.watchRatePerSecond());
        long cpu = server.cpuMillis();
        WatchLatencyPhase.Result kapi = phase.overHttp(server.port(), "bench-watch",
                (i, sent) -> work.serverCreateWithSent("bench-watch", i, sent));
        cpu = server.cpuMillis() - cpu;
        WatchLatencyPhase.Result raw = raw() ? phase.overJetcd(etcd, "/bench-raw/watch/",
                (i, sent) -> work.rawPutWithSent("/bench-raw/watch/", i, sent)) : null;
        for (var r : new WatchLatencyPhase.Result[] {kapi, raw}) {
            if (r != null) {
                System.out.printf(Locale.ROOT, "  %s: p50 %.2f ms p99 %.2f ms max %.2f ms, %d of %d deliveries missing%n",
                        r == kapi ? "kapi" : "raw", r.latencies().percentileMillis(50), r.latencies().percentileMillis(99),
                        r.latencies().maxMillis(), r.missing(), r.expected());
            }
        }
        String what = "watch delivery, " + n + " watchers";
        figure(what + ", p50", "ms", kapi.latencies().percentileMillis(50),
                raw == null ? Double.NaN : raw.latencies().percentileMillis(50), null, null);
        double p99 = kapi.latencies().percentileMillis(99);
        figure(what + ", p99", "ms", p99, raw == null ? Double.NaN : raw.latencies().percentileMillis(99),
                "p99 < 50 ms (#14; was < 100 ms)", p99 < 50 && kapi.missing() == 0);
        report.note(String.format(Locale.ROOT, "watch: %d × %d deliveries expected; missing: kapi %d%s; "
                        + "server CPU during the HTTP watch run %.1f s", n, options.watchEvents(), kapi.missing(),
                raw == null ? "" : ", raw " + raw.missing(), cpu / 1000.0));
    }

    void idleWatches() throws Exception {
        ApiServerBenchmark.phase("heap of idle watches " + java.util.Arrays.toString(options.idleWatches()));
        idleWatches(false, options.idleWatches());
        int[] first = {options.idleWatches()[0]};
        ApiServerBenchmark.phase("heap of idle WebSocket watches " + java.util.Arrays.toString(first));
        idleWatches(true, first);
    }

    private void idleWatches(boolean webSocket, int[] counts) throws Exception {
        String kind = webSocket ? "idle WebSocket watch" : "idle watch";
        IdleWatchPhase.Result r = IdleWatchPhase.run(server, "bench-idle", counts, webSocket);
        for (IdleWatchPhase.Step s : r.steps()) {
            double kb = s.bytesPerWatch() / 1024;
            report.compare(String.format(Locale.ROOT, "heap per %s (%,d open)", kind, s.watches()), "KB", kb,
                    Double.NaN, "< 20 KB", kb < 20);
        }
        report.note(String.format(Locale.ROOT, "%ses: used heap after GC %,d KB with none open, %s", kind,
                r.baselineBytes() >> 10, r.steps().stream().map(s -> String.format(Locale.ROOT, "%,d KB with %,d",
                        s.heapBytes() >> 10, s.watches())).toList()));
        report.note("largest heap growth by class (GC.class_histogram, none → " + counts[counts.length - 1] + " "
                + kind + "es):");
        r.topGrowth().forEach(line -> report.note("  `" + line.replaceFirst(": ", "`: ")));
    }

    static void printLoad(Load.Result kapi, Load.Result raw) {
        System.out.printf(Locale.ROOT, "  kapi %,.0f/s (p50 %.2f ms, p99 %.2f ms, server CPU %.2f ms/op)",
                kapi.perSecond(), kapi.latencies().percentileMillis(50), kapi.latencies().percentileMillis(99),
                (double) kapi.serverCpuMillis() / Math.max(1, kapi.ops()));
        if (raw != null) {
            System.out.printf(Locale.ROOT, "; raw %,.0f/s (p50 %.2f ms, p99 %.2f ms)",
                    raw.perSecond(), raw.latencies().percentileMillis(50), raw.latencies().percentileMillis(99));
        }
        System.out.println();
    }
}

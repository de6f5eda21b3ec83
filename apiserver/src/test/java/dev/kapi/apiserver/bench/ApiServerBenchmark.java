package dev.kapi.apiserver.bench;

import ch.qos.logback.classic.Level;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import io.etcd.jetcd.Client;
import java.nio.file.Files;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kapi's benchmark harness (a main, not a test): starts an etcd and the server jar as child processes,
 * and measures, each beside a raw jetcd baseline doing the same work against the same etcd, creates/s and
 * gets/s at 1 and 32 clients, the latency of a full list, watch delivery latency with many watchers, and
 * the server's heap per idle watch; prints a Markdown table. Run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl apiserver package -DskipTests
 * ./mvnw -B -q -pl apiserver test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kapi.apiserver.bench.ApiServerBenchmark [-Dbench.quick=true]
 * </pre>
 *
 * Options are system properties, see {@link BenchOptions}.
 */
public final class ApiServerBenchmark {

    static final int[] CONCURRENCY = {1, 32};

    private final BenchOptions options;
    private final ServerProcess server;
    private final Client etcd;
    private final BenchWork work;
    private final Report report = new Report();

    private ApiServerBenchmark(BenchOptions options, ServerProcess server, Client etcd) {
        this.options = options;
        this.server = server;
        this.etcd = etcd;
        this.work = new BenchWork(server.port(), etcd.getKVClient());
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        BenchOptions options = BenchOptions.fromSystemProperties();
        Files.createDirectories(options.workDir());
        System.out.printf("Kapi benchmark (%s run), work dir %s%n", options.quick() ? "quick" : "full", options.workDir());
        long started = System.nanoTime();
        System.out.printf("%d CPUs, load average %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint())
                .maxInboundMessageSize(512 * 1024 * 1024).build();
             ServerProcess server = ServerProcess.start(options, etcdProcess.endpoint())) {
            System.out.printf("etcd %s, server pid %d on 127.0.0.1:%d (log %s)%n", etcdProcess.endpoint(),
                    server.pid(), server.port(), server.log());
            new ApiServerBenchmark(options, server, etcd).runAll();
        } finally {
            etcdProcess.close();
            if (!options.keepWorkDir()) {
                LocalEtcdProcess.deleteRecursively(options.workDir());
            }
        }
        System.out.printf("done in %.0f s; load average now %s%n", (System.nanoTime() - started) / 1e9, loadAverage());
    }

    private void runAll() throws Exception {
        for (String ns : new String[] {"bench-warm", "bench-warm-read", "bench-create", "bench-get", "bench-list", "bench-watch", "bench-idle"}) {
            work.createNamespace(ns);
        }
        warmUp();
        creates();
        gets();
        list();
        watchLatency();
        idleWatches();
        System.out.println();
        System.out.println(report.markdown());
    }

    private void warmUp() throws Exception {
        phase("warm-up (" + options.warmup().toSeconds() + " s creates + gets + lists)");
        Load.run(32, options.warmup(), i -> work.serverCreate("bench-warm", "w" + i), null);
        work.fillServer("bench-warm-read", "g", 500);
        Load.run(32, options.warmup().dividedBy(2), i -> work.serverGet("bench-warm-read", "g", 500), null);
        for (int i = 0; i < 5; i++) {
            work.serverList("bench-warm-read");
            work.serverListPaged("bench-warm-read", 100);
        }
        work.useStoredValueOf("/registry/configmaps/bench-warm-read/g-0");
        Load.run(32, options.warmup().dividedBy(3), i -> work.rawPut("/bench-raw/warm/w" + i + "-"), null);
        System.out.printf("  stored ConfigMap value: %d bytes (raw puts use the same bytes)%n", work.storedValueSize());
    }

    private void creates() throws Exception {
        for (int c : CONCURRENCY) {
            phase("creates, " + c + " client(s)");
            Load.Result kapi = Load.run(c, options.phase(), i -> work.serverCreate("bench-create", "c" + c + "-" + i), server);
            Load.Result raw = Load.run(c, options.phase(), i -> work.rawPut("/bench-raw/create/c" + c + "-" + i + "-"), null);
            printLoad(kapi, raw);
            System.out.printf("  (HTTP connections the server closed and the client reopened so far: %d)%n",
                    BenchHttp.reconnects());
            boolean goal = c == 32;
            report.compare("creates/s, " + c + " client" + (c > 1 ? "s" : ""), "/s", kapi.perSecond(), raw.perSecond(),
                    goal ? "≥ 0.5× raw" : null, goal ? kapi.perSecond() >= 0.5 * raw.perSecond() : null);
            report.compare("create p99, " + c + " client" + (c > 1 ? "s" : ""), "ms", kapi.latencies().percentileMillis(99),
                    raw.latencies().percentileMillis(99), null, null);
        }
    }

    private void gets() throws Exception {
        int objects = 1_000;
        work.fillServer("bench-get", "g", objects);
        work.fillRaw("/bench-raw/get/g-", objects);
        for (int c : CONCURRENCY) {
            phase("gets, " + c + " client(s)");
            Load.Result kapi = Load.run(c, options.phase(), i -> work.serverGet("bench-get", "g", objects), server);
            Load.Result raw = Load.run(c, options.phase(), i -> work.rawGet("/bench-raw/get/g-", objects), null);
            printLoad(kapi, raw);
            report.compare("gets/s, " + c + " client" + (c > 1 ? "s" : ""), "/s", kapi.perSecond(), raw.perSecond(), null, null);
        }
    }

    private void list() throws Exception {
        int size = options.listSize();
        int pageSize = 500;
        phase("list of " + size + " ConfigMaps (filling the namespace first)");
        work.fillServer("bench-list", "l", size);
        String prefix = "/registry/configmaps/bench-list/";
        int items = work.serverListCount("bench-list", pageSize); // also warms up
        int keys = work.rawRange(prefix);
        if (items != size || keys != size) {
            throw new IllegalStateException("list returned " + items + " items, range " + keys + " keys, expected " + size);
        }
        BenchHttp.Response full = work.serverListResponse("bench-list");
        boolean unpagedWorks = full.status() == 200;
        if (!unpagedWorks) {
            report.note("a full list of " + size + " ConfigMaps without `limit` FAILS: HTTP " + full.status() + " "
                    + full.text() + " (the server's etcd client keeps jetcd's default 4 MiB limit on a response;"
                    + " etcd's Go client, which kube-apiserver uses, allows responses up to 2 GiB)");
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
            t = System.nanoTime();
            work.rawRange(prefix);
            raw.add(System.nanoTime() - t);
            t = System.nanoTime();
            work.rawRangePaged(prefix, pageSize);
            rawPaged.add(System.nanoTime() - t);
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
            report.compare(what + ", one response, median", "ms", kapi.percentileMillis(50), raw.percentileMillis(50), null, null);
            report.compare(what + ", one response, p99" + runs, "ms", kapi.percentileMillis(99), raw.percentileMillis(99), null, null);
        } else {
            String why = "fails: HTTP " + full.status();
            report.failed(what + ", one response, median", why, "ms", raw.percentileMillis(50));
            report.failed(what + ", one response, p99" + runs, why, "ms", raw.percentileMillis(99));
        }
        report.compare(what + ", pages of " + pageSize + ", median", "ms", kapiPaged.percentileMillis(50),
                rawPaged.percentileMillis(50), null, null);
        report.compare(what + ", pages of " + pageSize + ", p99" + runs, "ms", kapiPaged.percentileMillis(99),
                rawPaged.percentileMillis(99), null, null);
    }

    private void watchLatency() throws Exception {
        int n = options.watchers();
        phase("watch delivery, " + n + " watchers, " + options.watchEvents() + " events at " + options.watchRatePerSecond() + "/s");
        WatchLatencyPhase phase = new WatchLatencyPhase(n, options.watchEvents(), options.watchRatePerSecond());
        long cpu = server.cpuMillis();
        WatchLatencyPhase.Result kapi = phase.overHttp(server.port(), "bench-watch",
                (i, sent) -> work.serverCreateWithSent("bench-watch", i, sent));
        cpu = server.cpuMillis() - cpu;
        WatchLatencyPhase.Result raw = phase.overJetcd(etcd, "/bench-raw/watch/",
                (i, sent) -> work.rawPutWithSent("/bench-raw/watch/", i, sent));
        for (var r : new WatchLatencyPhase.Result[] {kapi, raw}) {
            System.out.printf(Locale.ROOT, "  %s: p50 %.2f ms p99 %.2f ms max %.2f ms, %d of %d deliveries missing%n",
                    r == kapi ? "kapi" : "raw", r.latencies().percentileMillis(50), r.latencies().percentileMillis(99),
                    r.latencies().maxMillis(), r.missing(), r.expected());
        }
        String what = "watch delivery, " + n + " watchers";
        report.compare(what + ", p50", "ms", kapi.latencies().percentileMillis(50), raw.latencies().percentileMillis(50), null, null);
        double p99 = kapi.latencies().percentileMillis(99);
        report.compare(what + ", p99", "ms", p99, raw.latencies().percentileMillis(99), "p99 < 100 ms",
                p99 < 100 && kapi.missing() == 0);
        report.note(String.format(Locale.ROOT, "watch: %d × %d deliveries expected; missing: kapi %d, raw %d; "
                        + "server CPU during the HTTP watch run %.1f s", n, options.watchEvents(), kapi.missing(),
                raw.missing(), cpu / 1000.0));
    }

    private void idleWatches() throws Exception {
        phase("heap of idle watches " + java.util.Arrays.toString(options.idleWatches()));
        IdleWatchPhase.Result r = IdleWatchPhase.run(server, "bench-idle", options.idleWatches());
        for (IdleWatchPhase.Step s : r.steps()) {
            double kb = s.bytesPerWatch() / 1024;
            report.compare(String.format(Locale.ROOT, "heap per idle watch (%,d open)", s.watches()), "KB", kb,
                    Double.NaN, "< 20 KB", kb < 20);
        }
        report.note(String.format(Locale.ROOT, "idle watches: used heap after GC %,d KB with none open, %s",
                r.baselineBytes() >> 10, r.steps().stream().map(s -> String.format(Locale.ROOT, "%,d KB with %,d",
                        s.heapBytes() >> 10, s.watches())).toList()));
        report.note("largest heap growth by class (GC.class_histogram, none → "
                + options.idleWatches()[options.idleWatches().length - 1] + " idle watches):");
        r.topGrowth().forEach(line -> report.note("  `" + line.replaceFirst(": ", "`: ")));
    }

    private static void printLoad(Load.Result kapi, Load.Result raw) {
        System.out.printf(Locale.ROOT, "  kapi %,.0f/s (p50 %.2f ms, p99 %.2f ms, server CPU %.2f ms/op); raw %,.0f/s (p50 %.2f ms, p99 %.2f ms)%n",
                kapi.perSecond(), kapi.latencies().percentileMillis(50), kapi.latencies().percentileMillis(99),
                (double) kapi.serverCpuMillis() / Math.max(1, kapi.ops()),
                raw.perSecond(), raw.latencies().percentileMillis(50), raw.latencies().percentileMillis(99));
    }

    private static void phase(String name) {
        System.out.println("== " + name + " (load average " + loadAverage() + ")");
    }

    /** The 1, 5 and 15 minute load averages of the machine (other processes share its cores). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }

}

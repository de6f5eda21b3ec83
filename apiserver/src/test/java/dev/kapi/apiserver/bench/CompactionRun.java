package dev.kapi.apiserver.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compaction mode ({@code -Dbench.compaction=true}): a server on the embedded store, 1,000 ConfigMaps
 * updated continuously (JSON merge patches by {@code bench.compactionClients} clients) for
 * {@code bench.compactionSeconds}, the database's size ({@code state.db} + {@code state.db-wal}) sampled
 * every {@code bench.compactionSampleSeconds}; at each sample a continue token taken before the first
 * update is tried again: it must work (200) until a compaction passes its revision, and then answer 410
 * Expired.
 */
final class CompactionRun {

    private static final String NAMESPACE = "bench-compact";
    private static final int OBJECTS = 1_000;

    private record Sample(long seconds, long dbBytes, long walBytes, long updates, int tokenStatus, String tokenReason) {
        long total() {
            return dbBytes + walBytes;
        }
    }

    private CompactionRun() {
    }

    static void run(BenchOptions options) throws Exception {
        System.out.printf(Locale.ROOT, "compaction mode: %d s of updates to %,d ConfigMaps by %d clients, a sample every %d s%n",
                options.compactionDuration().toSeconds(), OBJECTS, options.compactionClients(),
                options.compactionSample().toSeconds());
        try (ServerProcess server = ServerProcess.start(options, ServerProcess.Spec.embedded("server-compaction", "AlwaysAllow", null))) {
            System.out.printf("server pid %d on 127.0.0.1:%d (log %s)%n", server.pid(), server.port(), server.log());
            BenchWork work = new BenchWork(server.port(), null);
            work.createNamespace(NAMESPACE);
            work.fillServer(NAMESPACE, "u", OBJECTS);
            String token = firstPageToken(server.port());
            Path db = server.dataDir().resolve("db/state.db");
            Path wal = server.dataDir().resolve("db/state.db-wal");
            AtomicLong updates = new AtomicLong();
            List<Sample> samples = new ArrayList<>();
            long started = System.nanoTime();
            samples.add(sample(server.port(), token, db, wal, 0, updates.get()));
            print(samples.getLast());
            try (ExecutorService background = Executors.newSingleThreadExecutor()) {
                Future<Load.Result> load = background.submit(() -> Load.run(options.compactionClients(),
                        options.compactionDuration(), i -> updater(server.port(), i, options.compactionClients(), updates), server));
                long sampleNanos = options.compactionSample().toNanos();
                for (long next = started + sampleNanos; ; next += sampleNanos) {
                    try {
                        load.get(Math.max(0, next - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                        break; // the updates are over: the final sample follows
                    } catch (java.util.concurrent.TimeoutException sampleTime) {
                        samples.add(sample(server.port(), token, db, wal, (System.nanoTime() - started) / 1_000_000_000, updates.get()));
                        print(samples.getLast());
                    }
                }
                Load.Result result = load.get();
                samples.add(sample(server.port(), token, db, wal, (System.nanoTime() - started) / 1_000_000_000, updates.get()));
                print(samples.getLast());
                System.out.println();
                System.out.println(markdown(samples, result, options));
            }
        }
    }

    private static Load.Worker updater(int port, int index, int clients, AtomicLong updates) throws Exception {
        BenchHttp http = new BenchHttp(port);
        return new Load.Worker() {
            @Override
            public void run(long seq) throws Exception {
                long n = seq * clients + index;
                String path = "/api/v1/namespaces/" + NAMESPACE + "/configmaps/u-" + (n % OBJECTS);
                BenchWork.expect(http.send("PATCH", path, "application/merge-patch+json",
                        ("{\"data\":{\"n\":\"" + n + "\"}}").getBytes(StandardCharsets.UTF_8)), 200);
                updates.incrementAndGet();
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    /** The continue token of the first page of 100 (taken before any update). */
    private static String firstPageToken(int port) throws Exception {
        try (BenchHttp http = new BenchHttp(port)) {
            byte[] body = BenchWork.expect(http.send("GET", "/api/v1/namespaces/" + NAMESPACE + "/configmaps?limit=100", null), 200);
            String token = BenchWork.continueToken(body);
            if (token == null) {
                throw new IllegalStateException("no continue token in the first page of " + OBJECTS);
            }
            return token;
        }
    }

    private static Sample sample(int port, String token, Path db, Path wal, long seconds, long updates) throws Exception {
        try (BenchHttp http = new BenchHttp(port)) {
            BenchHttp.Response r = http.send("GET", "/api/v1/namespaces/" + NAMESPACE + "/configmaps?limit=100&continue="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8), null);
            String reason = "";
            if (r.status() != 200) {
                reason = dev.kapi.apiserver.api.Json.MAPPER.readTree(r.body()).path("reason").asString("");
            }
            return new Sample(seconds, size(db), size(wal), updates, r.status(), reason);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void print(Sample s) {
        System.out.printf(Locale.ROOT, "  t=%4d s: state.db %s + wal %s = %s, %,d updates, old continue token: HTTP %d %s (load average %s)%n",
                s.seconds(), mb(s.dbBytes()), mb(s.walBytes()), mb(s.total()), s.updates(), s.tokenStatus(), s.tokenReason(),
                ApiServerBenchmark.loadAverage());
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static String markdown(List<Sample> samples, Load.Result result, BenchOptions options) {
        StringBuilder s = new StringBuilder("| t | state.db | state.db-wal | total | updates so far | old continue token |\n"
                + "|---:|---:|---:|---:|---:|---|\n");
        long max = 0;
        Sample firstExpired = null;
        boolean okBefore = true;
        for (Sample x : samples) {
            s.append(String.format(Locale.ROOT, "| %d s | %s | %s | %s | %,d | %d %s |\n", x.seconds(), mb(x.dbBytes()),
                    mb(x.walBytes()), mb(x.total()), x.updates(), x.tokenStatus(), x.tokenReason()));
            max = Math.max(max, x.total());
            if (firstExpired == null && x.tokenStatus() != 200) {
                firstExpired = x;
            } else if (firstExpired == null) {
                okBefore &= x.tokenStatus() == 200;
            }
        }
        Sample last = samples.getLast();
        s.append('\n').append(String.format(Locale.ROOT, "- %,d updates in %.0f s (%,.0f/s, p99 %.1f ms) by %d clients to"
                        + " %,d ConfigMaps; database (state.db + wal): max %s, final %s%n", result.ops(), result.seconds(),
                result.perSecond(), result.latencies().percentileMillis(99), options.compactionClients(), OBJECTS, mb(max),
                mb(last.total())));
        if (firstExpired == null) {
            s.append("- the continue token from before the updates still worked at the end: no compaction passed it"
                    + " during the run (the server compacts every 5 minutes)\n");
        } else {
            boolean expired = firstExpired.tokenStatus() == 410 && firstExpired.tokenReason().equals("Expired");
            s.append(String.format(Locale.ROOT, "- the continue token from before the updates: HTTP 200 until t=%d s,"
                            + " then HTTP %d %s (a compaction passed its revision): %s%n",
                    samples.get(samples.indexOf(firstExpired) - 1).seconds(), firstExpired.tokenStatus(),
                    firstExpired.tokenReason(), expired && okBefore ? "**as expected (410 Expired)**" : "**NOT 410 Expired**"));
        }
        return s.toString();
    }
}

package dev.kapi.apiserver.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch delivery latency: many watchers on one namespace (HTTP watch streams through the server, or jetcd
 * watches on the same kind of prefix), one writer creating objects at a modest rate, each object carrying
 * its send time ({@code System.nanoTime()} of this JVM) in {@code data.sentNanos}; every watcher records
 * arrival minus send time for every event. A probe object (sentNanos -1) written first proves every watch
 * is live before the measured writes.
 */
final class WatchLatencyPhase {

    private static final byte[] KEY = "\"sentNanos\":\"".getBytes(StandardCharsets.US_ASCII);

    /** What one run measured: latencies of every (watcher, event) pair and how many pairs never arrived. */
    record Result(Latencies latencies, long expected, long missing) {
    }

    /** Something that creates one object carrying {@code sentNanos} (or -1 for the probe). */
    interface Writer {
        void write(int index, long sentNanos) throws Exception;
    }

    private final int watchers;
    private final int events;
    private final int ratePerSecond;
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private Latencies latencies;

    WatchLatencyPhase(int watchers, int events, int ratePerSecond) {
        this.watchers = watchers;
        this.events = events;
        this.ratePerSecond = ratePerSecond;
    }

    /** HTTP watch streams on {@code /api/v1/namespaces/<ns>/configmaps?watch=true}. */
    Result overHttp(int port, String namespace, Writer writer) throws Exception {
        reset();
        List<BenchHttp> connections = new ArrayList<>();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < watchers; i++) {
                BenchHttp http = new BenchHttp(port);
                connections.add(http);
                int status = http.openWatch("/api/v1/namespaces/" + namespace + "/configmaps?watch=true&timeoutSeconds=900");
                if (status != 200) {
                    throw new IllegalStateException("watch answered " + status);
                }
                readers.submit(() -> {
                    try {
                        for (byte[] line = http.readLine(); line != null; line = http.readLine()) {
                            onEvent(line, System.nanoTime());
                        }
                    } catch (Exception closed) {
                        // the phase closed the connection
                    }
                    return null;
                });
            }
            Result result = drive(writer);
            connections.forEach(BenchHttp::close);
            readers.shutdownNow();
            return result;
        } finally {
            connections.forEach(BenchHttp::close);
        }
    }

    /** jetcd watches on {@code prefix}, all over the one client's connection. */
    Result overJetcd(Client client, String prefix, Writer writer) throws Exception {
        reset();
        List<Watch.Watcher> watches = new ArrayList<>();
        ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        WatchOption option = WatchOption.builder().isPrefix(true).build();
        try {
            for (int i = 0; i < watchers; i++) {
                watches.add(client.getWatchClient().watch(key, option, response -> {
                    long now = System.nanoTime();
                    for (WatchEvent e : response.getEvents()) {
                        onEvent(e.getKeyValue().getValue().getBytes(), now);
                    }
                }));
            }
            return drive(writer);
        } finally {
            watches.forEach(Watch.Watcher::close);
        }
    }

    private void reset() {
        probes.set(0);
        received.set(0);
        latencies = new Latencies(watchers * events);
    }

    private Result drive(Writer writer) throws Exception {
        // a probe until every watcher has seen one: the watches are live
        long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int probe = 0;
        while (probes.get() < watchers) {
            writer.write(-1 - probe++, -1);
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (probes.get() < (long) watchers * probe && System.nanoTime() < wait) {
                Thread.sleep(20);
            }
            if (probes.get() >= (long) watchers * probe) {
                break;
            }
            if (System.nanoTime() > probeDeadline) {
                throw new IllegalStateException("only " + probes.get() + " probe events for " + watchers + " watchers");
            }
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long next = System.nanoTime();
        for (int i = 0; i < events; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            writer.write(i, System.nanoTime());
            next += interval;
        }
        long expected = (long) watchers * events;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return new Result(latencies, expected, expected - received.get());
    }

    private void onEvent(byte[] bytes, long arrived) {
        long sent = sentNanos(bytes);
        if (sent == Long.MIN_VALUE) {
            return; // BOOKMARK or unrelated
        }
        if (sent < 0) {
            probes.incrementAndGet();
        } else {
            latencies.add(arrived - sent);
            received.incrementAndGet();
        }
    }

    /** The number after {@code "sentNanos":"}, or Long.MIN_VALUE when absent. */
    static long sentNanos(byte[] b) {
        outer:
        for (int i = 0; i <= b.length - KEY.length; i++) {
            for (int k = 0; k < KEY.length; k++) {
                if (b[i + k] != KEY[k]) {
                    continue outer;
                }
            }
            int j = i + KEY.length;
            boolean negative = j < b.length && b[j] == '-';
            if (negative) {
                j++;
            }
            long v = 0;
            while (j < b.length && b[j] >= '0' && b[j] <= '9') {
                v = v * 10 + (b[j++] - '0');
            }
            return negative ? -v : v;
        }
        return Long.MIN_VALUE;
    }
}

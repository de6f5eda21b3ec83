package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged writes are never lost: not to concurrent writers, not to closing, not to SIGKILL. */
class SqliteConcurrencyTest {

    private static final int THREADS = 8;
    private static final int WRITES_PER_THREAD = 40;

    @TempDir
    Path dir;

    /** One acknowledged write. */
    private record Ack(String key, String value, long revision) {
    }

    @Test
    void concurrentWritersNeverLoseAnAcknowledgedWrite() throws Exception {
        Path file = dir.resolve("concurrent.db");
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < WRITES_PER_THREAD; i++) {
                            // own keys by create and update, shared keys by read-modify-write
                            String own = "/w/t" + thread + "-" + (i % 5);
                            String value = "t" + thread + "-" + i;
                            KeyValue written = i < 5 ? storage.create(own, value.getBytes(UTF_8))
                                    : storage.guaranteedUpdate(own, Preconditions.NONE, false,
                                            c -> value.getBytes(UTF_8));
                            acks.add(new Ack(own, value, written.modRevision()));
                            String shared = "/w/shared-" + (i % 3);
                            KeyValue counted = storage.guaranteedUpdate(shared, Preconditions.NONE, true,
                                    c -> String.valueOf(c == null ? 1 : Integer.parseInt(
                                            new String(c.value(), UTF_8)) + 1).getBytes(UTF_8));
                            acks.add(new Ack(shared, new String(counted.value(), UTF_8), counted.modRevision()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(acks.stream().map(Ack::revision).distinct()).hasSize(THREADS * WRITES_PER_THREAD * 2);
            assertLastValuesPresent(storage, acks);
        }
        // every acknowledged revision is in the log under its key, and survives reopening
        Map<Long, String> log = new HashMap<>();
        for (Ack ack : acks) {
            log.put(ack.revision(), ack.key());
        }
        assertThat(SqliteFiles.rows(file)).isEqualTo(acks.size());
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertLastValuesPresent(storage, acks);
            assertThat(storage.get("/w/shared-0").value()).asString(UTF_8)
                    .isEqualTo(String.valueOf(THREADS * ((WRITES_PER_THREAD + 2) / 3)));
            for (Map.Entry<Long, String> entry : log.entrySet()) {
                assertThat(storage.list("/w/", ListOptions.exact(entry.getKey(), 0)).items())
                        .anySatisfy(kv -> {
                            assertThat(kv.key()).isEqualTo(entry.getValue());
                            assertThat(kv.modRevision()).isEqualTo(entry.getKey());
                        });
            }
        }
    }

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        Path file = dir.resolve("crash.db");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SqliteCrashWriter.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<Ack> acks = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            String line;
            while (acks.size() < 300 && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                acks.add(new Ack(parts[1], parts[2], Long.parseLong(parts[3])));
            }
            child.destroyForcibly();  // SIGKILL: no shutdown hook, no close
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acks).hasSize(300);
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertThat(storage.currentRevision()).isGreaterThanOrEqualTo(acks.get(acks.size() - 1).revision());
            for (Ack ack : acks) {
                KeyValue atAck = storage.list("/crash/", ListOptions.exact(ack.revision(), 0)).items().stream()
                        .filter(kv -> kv.key().equals(ack.key())).findFirst().orElseThrow();
                assertThat(new String(atAck.value(), UTF_8)).isEqualTo(ack.value());
                assertThat(atAck.modRevision()).isEqualTo(ack.revision());
            }
        }
    }

    private static void assertLastValuesPresent(SqliteStorage storage, Iterable<Ack> acks) {
        Map<String, Ack> last = new HashMap<>();
        for (Ack ack : acks) {
            last.merge(ack.key(), ack, (a, b) -> a.revision() > b.revision() ? a : b);
        }
        for (Ack ack : last.values()) {
            KeyValue now = storage.get(ack.key());
            assertThat(now.modRevision()).isEqualTo(ack.revision());
            assertThat(new String(now.value(), UTF_8)).isEqualTo(ack.value());
        }
    }
}

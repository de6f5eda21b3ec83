package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.testing.DeadlockWatchdog;
import dev.kapi.apiserver.testing.Stress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the embedded store in the middle of a burst (issue #18): writers creating, updating and deleting,
 * watches opening from now, from 0 and from older revisions (catching up), closing themselves from inside
 * their listener, progress ticks and compaction every few milliseconds. Every time, close returns within
 * the bound, no threads wait on each other in a cycle, every acknowledged write is what a reopened store
 * holds, and every watch saw its changes once and in order, nothing after an ERROR.
 */
class SqliteShutdownRaceTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final SqliteOptions OPTIONS = SqliteOptions.DEFAULTS
            .withCompaction(Duration.ofMillis(20), 50)
            .withProgressInterval(Duration.ofMillis(100));
    private static final String ROOT = "/race/";
    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 20;

    @TempDir
    Path dir;

    /** The last acknowledged write of a key: its revision, or a deletion. */
    private record Ack(long revision, boolean deleted) {
    }

    @TestFactory
    Stream<DynamicTest> closeDuringABurstOfWritesAndWatches() {
        return Stress.repeat("sqlite close during a burst", 10, this::iteration);
    }

    private void iteration(Random random) throws Exception {
        Path file = dir.resolve("race-" + System.nanoTime() + ".db");
        SqliteStorage storage = SqliteStorage.open(file, OPTIONS);
        Map<String, Ack> acked = new ConcurrentHashMap<>();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        List<Recorder> recorders = new ArrayList<>();
        AtomicBoolean closing = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        long watcherSeed = random.nextLong();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start()) {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(start("writer-" + w, () -> write(storage, writer, acked, closing, problems)));
            }
            threads.add(start("watcher", () -> watch(storage, new Random(watcherSeed), recorders, closing, problems)));
            Thread.sleep(random.nextInt(300));
            closing.set(true);
            Thread closer = start("closer", storage::close);
            closer.join(BOUND.toMillis());
            for (Thread t : threads) {
                t.join(BOUND.toMillis());
            }
            assertThat(watchdog.cycle()).isNull();
            assertThat(closer.isAlive()).as("close returned within " + BOUND).isFalse();
            assertThat(threads.stream().filter(Thread::isAlive).map(Thread::getName)).as("threads still busy").isEmpty();
        } finally {
            closing.set(true);
        }
        synchronized (recorders) {
            recorders.forEach(r -> r.check(problems));
        }
        assertThat(problems).isEmpty();
        try (SqliteStorage reopened = SqliteStorage.open(file, OPTIONS)) {
            acked.forEach((key, ack) -> {
                if (ack.deleted()) {
                    assertThatThrownBy(() -> reopened.get(key)).as(key + " deleted")
                            .isInstanceOfSatisfying(StorageException.class,
                                    e -> assertThat(e.code()).isEqualTo(StorageException.Code.KEY_NOT_FOUND));
                } else {
                    assertThat(reopened.get(key).modRevision()).as(key).isEqualTo(ack.revision());
                }
            });
        }
    }

    private static void write(SqliteStorage storage, int writer, Map<String, Ack> acked, AtomicBoolean closing,
                              Queue<String> problems) {
        for (int i = 0; ; i++) {
            String key = ROOT + "w" + writer + "-" + (i % KEYS_PER_WRITER);
            try {
                if (i % 7 == 6 && acked.containsKey(key) && !acked.get(key).deleted()) {
                    KeyValue gone = storage.delete(key, Preconditions.NONE);
                    acked.put(key, new Ack(gone.modRevision(), true));
                } else {
                    String value = "v" + i;
                    KeyValue written = storage.guaranteedUpdate(key, Preconditions.NONE, true,
                            current -> value.getBytes(UTF_8));
                    acked.put(key, new Ack(written.modRevision(), false));
                }
            } catch (StorageException e) {
                if (!closing.get()) {
                    problems.add("writer " + writer + " failed before close: " + e);
                }
                return;
            } catch (RuntimeException e) {
                problems.add("writer " + writer + ": " + e);
                return;
            }
        }
    }

    private static void watch(SqliteStorage storage, Random random, List<Recorder> recorders, AtomicBoolean closing,
                              Queue<String> problems) {
        List<Recorder> open = new ArrayList<>();
        while (true) {
            try {
                long now = storage.currentRevision();
                long from = switch (random.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> now;
                    default -> Math.max(1, now - random.nextInt(200));
                };
                String target = random.nextBoolean() ? ROOT : ROOT + "w" + random.nextInt(WRITERS) + "-"
                        + random.nextInt(KEYS_PER_WRITER);
                Recorder recorder = new Recorder(target + " from " + from, from, random.nextInt(50));
                WatchOptions options = WatchOptions.from(from);
                recorder.handle = storage.watch(target, random.nextBoolean() ? options.withProgressNotify() : options,
                        recorder);
                synchronized (recorders) {
                    recorders.add(recorder);
                }
                open.add(recorder);
                if (open.size() > 20) {
                    open.remove(random.nextInt(open.size())).handle.close();
                }
                Thread.sleep(random.nextInt(5));
            } catch (StorageException e) {
                if (!closing.get()) {
                    problems.add("watch failed before close: " + e);
                }
                return;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                problems.add("watcher: " + e);
                return;
            }
        }
    }

    /**
     * Keeps a watch's change revisions (checked in order unless it started from 0, whose initial ADDED events
     * come in key order) and closes its own watch from inside the listener after {@code closeAfter} events
     * (0 = never), as an API watch does when its reader falls behind.
     */
    private static final class Recorder implements WatchListener {
        private final String name;
        private final long from;
        private final int closeAfter;
        private final List<WatchEvent> events = new ArrayList<>();
        private volatile WatchHandle handle;

        Recorder(String name, long from, int closeAfter) {
            this.name = name;
            this.from = from;
            this.closeAfter = closeAfter;
        }

        @Override
        public void onEvent(WatchEvent event) {
            int count;
            synchronized (events) {
                events.add(event);
                count = events.size();
            }
            WatchHandle h = handle;
            if (closeAfter > 0 && count >= closeAfter && h != null) {
                h.close();
            }
        }

        void check(Queue<String> problems) {
            List<WatchEvent> seen;
            synchronized (events) {
                seen = List.copyOf(events);
            }
            long last = from;
            boolean ended = false;
            for (WatchEvent e : seen) {
                if (ended) {
                    problems.add(name + ": " + e.type() + " after ERROR");
                }
                if (e.type() == WatchEvent.Type.ERROR) {
                    ended = true;
                } else if (e.type() != WatchEvent.Type.PROGRESS && from > 0) {
                    if (e.revision() <= last) {
                        problems.add(name + ": revision " + e.revision() + " after " + last);
                    }
                    last = e.revision();
                }
            }
        }
    }

    private static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().daemon().name(name).start(body);
    }
}

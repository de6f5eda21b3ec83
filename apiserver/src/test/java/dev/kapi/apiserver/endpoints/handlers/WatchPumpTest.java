package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pump under a watch: it writes events one at a time and flushes about every
 * {@value WatchPump#BATCH_BYTES} bytes, in order; a write that makes no progress for the write-progress
 * timeout ends the watch (the connection aborted) while a slow write that keeps moving does not; an Error
 * while writing ends the watch instead of leaving it stuck; a pump ended while writing stops there.
 */
class WatchPumpTest {

    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private Storage storage;
    private Store<HasMetadata> store;

    @BeforeEach
    void open() {
        storage = SqliteStorage.open(dir.resolve("state.db"));
        StoreRegistry stores = TestStores.of(storage, "/registry");
        store = stores.lookup("", "v1", "configmaps").orElseThrow().store();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void eventsGoOutInOrderInBatchesOfAboutTheByteBudget() throws Exception {
        for (int i = 0; i < 12; i++) {
            create(i, 200_000);
        }
        StoreWatch<HasMetadata> watch = watchFromZero();
        WatchStream stream = new WatchStream();
        HttpWatchSink sink = new HttpWatchSink(new WatchEventEncoder(store.definition(),
                OutputFormat.negotiate("application/json"), null), stream, true, () -> { });
        WatchPump pump = new WatchPump(watch, sink, () -> { }, Duration.ofSeconds(30));
        pump.start(System.currentTimeMillis() + HOUR);
        for (int i = 12; i < 18; i++) {
            create(i, 200_000); // live changes: their JSON is shared by every watcher, written as it is
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> stream.lines().size() == 18);
        pump.end();

        assertThat(stream.lines()).extracting(WatchStream.Line::name)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 18).mapToObj(WatchPumpTest::name).toList());
        assertThat(stream.batches()).as("flushed in several batches").hasSizeGreaterThan(2);
        for (List<WatchStream.Line> batch : stream.batches()) {
            long beforeLast = batch.subList(0, batch.size() - 1).stream().mapToLong(WatchStream.Line::bytes).sum();
            assertThat(beforeLast).as("only the last event of a batch goes past the budget")
                    .isLessThan(WatchPump.BATCH_BYTES);
        }
        assertThat(stream.largestWrite()).as("written in slices").isLessThanOrEqualTo(HttpWatchSink.SLICE);
    }

    @Test
    void anErrorWhileWritingEndsTheWatchInsteadOfLeavingItStuck() throws Exception {
        create(0, 10);
        StoreWatch<HasMetadata> watch = watchFromZero();
        CountDownLatch ended = new CountDownLatch(1);
        WatchPump pump = new WatchPump(watch, (event, progressed) -> {
            throw new OutOfMemoryError("test: no memory for this event");
        }, ended::countDown, Duration.ofSeconds(30));
        pump.start(System.currentTimeMillis() + HOUR);

        assertThat(ended.await(5, TimeUnit.SECONDS)).as("the watch ended").isTrue();
        assertThat(watch.isClosed()).isTrue();
        pump.end();
    }

    @Test
    void aWriteThatMakesNoProgressEndsTheWatch() throws Exception {
        create(0, 10);
        StoreWatch<HasMetadata> watch = watchFromZero();
        CountDownLatch aborted = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        WatchPump pump = new WatchPump(watch, new WatchPump.Sink() {
            @Override
            public long write(ApiWatchEvent event, Runnable progressed) throws IOException {
                try {
                    aborted.await(); // a client that never reads: the write moves only when the connection closes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("connection closed");
            }

            @Override
            public void abort() {
                aborted.countDown();
            }
        }, ended::countDown, Duration.ofMillis(300));
        long started = System.nanoTime();
        pump.start(System.currentTimeMillis() + HOUR);

        assertThat(aborted.await(5, TimeUnit.SECONDS)).as("the connection aborted").isTrue();
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(ended.await(5, TimeUnit.SECONDS)).as("the watch ended").isTrue();
    }

    @Test
    void aSlowWriteThatKeepsMovingIsNotCutOff() throws Exception {
        create(0, 10);
        create(1, 10);
        StoreWatch<HasMetadata> watch = watchFromZero();
        List<String> written = new CopyOnWriteArrayList<>();
        AtomicBoolean aborted = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        WatchPump pump = new WatchPump(watch, new WatchPump.Sink() {
            @Override
            public long write(ApiWatchEvent event, Runnable progressed) {
                for (int i = 0; i < 8; i++) { // 800 ms per event, moving every 100 ms
                    sleep(100);
                    progressed.run();
                }
                written.add(((HasMetadata) event.object()).getMetadata().getName());
                return 1;
            }

            @Override
            public void abort() {
                aborted.set(true);
            }
        }, () -> ended.set(true), Duration.ofMillis(300));
        pump.start(System.currentTimeMillis() + HOUR);

        await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 2);
        sleep(500);
        assertThat(written).containsExactly(name(0), name(1));
        assertThat(aborted).isFalse();
        assertThat(ended).isFalse();
        pump.end();
        assertThat(ended).isTrue();
    }

    @Test
    void aPumpEndedWhileWritingStopsThere() throws Exception {
        for (int i = 0; i < 3; i++) {
            create(i, 10);
        }
        StoreWatch<HasMetadata> watch = watchFromZero();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> writers = new CopyOnWriteArrayList<>();
        WatchPump pump = new WatchPump(watch, (event, progressed) -> {
            writers.add(Thread.currentThread());
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        }, () -> { }, Duration.ofSeconds(30));
        pump.start(System.currentTimeMillis() + HOUR);
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();

        pump.end(); // the client left while an event was being written; two more are queued
        release.countDown();

        assertThat(writers.getFirst().join(Duration.ofSeconds(5))).as("the writer stopped").isTrue();
        assertThat(writers).hasSize(1);
    }

    private StoreWatch<HasMetadata> watchFromZero() {
        return store.watcher().open("ns", new WatchParams<>(null, "0", "", false, null));
    }

    private void create(int i, int dataBytes) {
        ConfigMap cm = new ConfigMap();
        cm.setMetadata(new ObjectMeta());
        cm.getMetadata().setName(name(i));
        cm.setData(Map.of("k", "x".repeat(dataBytes)));
        Writes.create(store, "ns", cm);
    }

    private static String name(int i) {
        return String.format("cm-%02d", i);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

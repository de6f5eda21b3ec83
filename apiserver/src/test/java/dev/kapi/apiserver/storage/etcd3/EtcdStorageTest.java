package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage contract on a real etcd, plus what only the etcd backend promises. */
@ExtendWith(EtcdExtension.class)
class EtcdStorageTest extends StorageContractTests {

    @Override
    protected Storage newStorage() {
        return EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(4);
    }

    @Test
    void sizeBytesIsTheDatabaseEtcdReportsAndMinusOneWithoutAnAnswer() throws Exception {
        storage.create(EtcdExtension.randomPrefix() + "/a", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(storage.sizeBytes()).isGreaterThan(4096);
        int nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        try (EtcdStorage unanswered = EtcdStorage.connect(List.of("http://127.0.0.1:" + nobody), Duration.ofSeconds(2),
                Duration.ofSeconds(1))) {
            assertThat(unanswered.sizeBytes()).isEqualTo(-1);
        }
    }

    /** jetcd opens a channel per Status call and keeps it until the member answers: one call out per member. */
    @Test
    void aSizeReadWaitsForTheStatusCallStillOutInsteadOfOpeningAnother() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) { // accepts, never answers
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            try (EtcdStorage unanswered = EtcdStorage.connect(List.of("http://127.0.0.1:" + silent.getLocalPort()),
                    Duration.ofSeconds(1), Duration.ofSeconds(1))) {
                assertThat(unanswered.sizeBytes()).isEqualTo(-1);
                int afterFirst = connections.get();
                assertThat(unanswered.sizeBytes()).isEqualTo(-1);
                assertThat(unanswered.sizeBytes()).isEqualTo(-1);
                assertThat(connections.get()).isEqualTo(afterFirst);
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void thousandIdleWatchesCostLittleHeapAndAreReleasedOnClose() {
        EtcdStorage etcd = (EtcdStorage) storage;
        String root = EtcdExtension.randomPrefix();
        long from = storage.currentRevision();
        int before = etcd.openWatches();
        int threadsBefore = Thread.getAllStackTraces().size();
        // warm up the shared stream and classes
        storage.watch(root + "/warm/", WatchOptions.from(from), e -> { }).close();
        // other test classes' servers may still be winding down in this JVM and move the heap: the least of up to
        // three rounds is the watches' own cost
        List<WatchHandle> handles = new ArrayList<>();
        List<WatchRecorder> recorders = new ArrayList<>();
        long perWatch = Long.MAX_VALUE;
        for (int round = 0; round < 3 && perWatch >= 4096; round++) {
            handles.forEach(WatchHandle::close);
            handles.clear();
            recorders.clear();
            long heapBefore = usedHeap();
            for (int i = 0; i < 1000; i++) {
                WatchRecorder recorder = new WatchRecorder();
                recorders.add(recorder);
                handles.add(storage.watch(root + "/ns" + i + "/", WatchOptions.from(from), recorder));
            }
            long measured = (usedHeap() - heapBefore) / 1000;
            System.out.println("heap per idle etcd watch (incl. its recorder): " + measured + " bytes");
            perWatch = Math.min(perWatch, measured);
        }
        assertThat(etcd.openWatches()).isEqualTo(before + 1000);
        assertThat(perWatch).isLessThan(4096);
        // no thread per watch (other classes' servers may start or end a few threads meanwhile)
        assertThat(Thread.getAllStackTraces().size() - threadsBefore).isLessThan(50);

        storage.create(root + "/ns7/x", "{}".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> recorders.get(7).changes().size() == 1);
        assertThat(recorders.get(8).changes()).isEmpty();

        handles.forEach(WatchHandle::close);
        assertThat(etcd.openWatches()).isEqualTo(before);
    }

    @Test
    void aStorageWithAWatchedPrefixWatchesOnlyUnderIt() {
        String root = EtcdExtension.randomPrefix();
        try (EtcdStorage scoped = EtcdStorage.connect(EtcdExtension.endpoints(), root + "/")) {
            long from = scoped.currentRevision();
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle ignored = scoped.watch(root + "/a/", WatchOptions.from(from), recorder)) {
                storage.create(root + "-other/a/x", "{}".getBytes()); // outside the prefix, same etcd
                storage.create(root + "/a/x", "{}".getBytes());
                await().atMost(Duration.ofSeconds(5)).until(() -> recorder.changes().size() == 1);
                assertThat(recorder.changes().getFirst().current().key()).isEqualTo(root + "/a/x");
            }
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> scoped.watch(root + "-other/",
                    WatchOptions.from(from), e -> { }))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aProgressRequestPassesAWriteOutsideTheWatchedPrefix() {
        String root = EtcdExtension.randomPrefix();
        try (EtcdStorage scoped = EtcdStorage.connect(EtcdExtension.endpoints(), root + "/")) {
            boolean asksEtcd = scoped.answersProgressRequests();
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle watch = scoped.watch(root + "/a/", WatchOptions.from(scoped.currentRevision())
                    .withProgressNotify(), recorder)) {
                long outside = storage.create(root + "-other/x", "{}".getBytes()).modRevision(); // unseen by scoped
                assertThat(scoped.currentRevision()).isGreaterThanOrEqualTo(outside); // as a consistent read asks
                watch.requestProgress(); // once: an answer that passes the write comes without asking again
                // well before etcd's own progress notification (every 5 s on the test etcd) would pass it
                await().atMost(Duration.ofMillis(1500))
                        .until(() -> recorder.events().stream().anyMatch(e -> e.revision() >= outside));
                assertThat(recorder.changes()).isEmpty(); // a barrier is no change of any resource
                if (asksEtcd) {
                    assertThat(scoped.progressBarrierWrites()).isZero();
                } else {
                    // etcd before 3.4.31: a key of Kapi's own under the prefix, outside every resource's
                    assertThat(scoped.progressBarrierWrites()).isPositive();
                    assertThat(storage.get(root + "/" + EtcdProgressBarrier.KEY)).isNotNull();
                }
            }
        }
    }

    @Test
    void aWatchOfAQuietPrefixFromAnOlderRevisionGetsItsHistoryOnceJoinsTheSharedStreamAndReportsProgress() {
        String root = EtcdExtension.randomPrefix();
        long from = storage.currentRevision();
        byte[] large = new byte[8192];
        java.util.Arrays.fill(large, (byte) 'x');
        long gap = 0;
        for (int i = 0; i < 300; i++) { // history that takes etcd a while to send
            gap = storage.create(root + "/quiet/x" + i, large).modRevision();
        }
        WatchRecorder busy = new WatchRecorder();
        try (WatchHandle running = storage.watch(root + "/busy/", WatchOptions.from(gap), busy)) {
            // the shared stream moves past `gap` with changes elsewhere; then nothing changes under quiet/
            long last = 0;
            for (int i = 0; i < 3; i++) {
                last = storage.create(root + "/busy/k" + i, "{}".getBytes()).modRevision();
            }
            long written = last;
            await().atMost(Duration.ofSeconds(5)).until(() -> busy.changes().size() == 3);
            // each watch reads etcd's history up to where the shared stream is; with no later change under its
            // prefix it must still learn that it caught up (etcd's own progress notifications are minutes apart),
            // and never before it read that history (several replays at once: their etcd watches share a stream)
            List<WatchRecorder> recorders = new ArrayList<>();
            List<WatchHandle> quiet = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    recorders.add(new WatchRecorder());
                    quiet.add(storage.watch(root + "/quiet/", WatchOptions.from(from).withProgressNotify(),
                            recorders.get(i)));
                }
                storage.create(root + "/busy/later", "{}".getBytes()); // as Kapi's leases keep renewing
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    quiet.forEach(WatchHandle::requestProgress);
                    return recorders.stream().allMatch(r -> r.events().stream().anyMatch(e -> e.revision() >= written));
                });
                storage.create(root + "/quiet/y", "{}".getBytes());
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    expected.add(root + "/quiet/x" + i);
                }
                expected.add(root + "/quiet/y");
                for (WatchRecorder recorder : recorders) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.changes().size() >= 301);
                    assertThat(recorder.changes()).extracting(e -> e.current().key())
                            .containsExactlyElementsOf(expected);
                }
            } finally {
                quiet.forEach(WatchHandle::close);
            }
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

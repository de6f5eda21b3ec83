package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.DeadlockWatchdog;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdFate;
import dev.kapi.apiserver.testing.Stress;
import java.time.Duration;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Closing the etcd storage while etcd dies under it (issue #18): the shared watch stream's failure and
 * {@link EtcdStorage#close} race, and neither may wait for the other.
 */
class EtcdShutdownRaceTest {

    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
    private static LocalEtcdProcess sharedEtcd;

    /**
     * The race of the thread dump made certain: the stream's failure is held (by a hook where the hub
     * takes it up) until close has started and is blocked or done, then let go. Before the fix the
     * failure arrived on jetcd's event loop holding jetcd's watcher lock and wanted the fan-out's lock,
     * which close held while it waited for jetcd's lock.
     */
    @Test
    void closeWhileTheWatchStreamFailsEndsWithoutADeadlock() throws Exception {
        LocalEtcdProcess etcd = EtcdExtension.startPrivate();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start()) {
            EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), Duration.ofSeconds(2), Duration.ofSeconds(1));
            String prefix = EtcdExtension.randomPrefix() + "/";
            long revision = storage.create(prefix + "a", "1".getBytes()).modRevision();
            storage.watch(prefix, WatchOptions.from(revision), new WatchRecorder());

            CountDownLatch failureArrived = new CountDownLatch(1);
            AtomicReference<Thread> closer = new AtomicReference<>();
            storage.watchHub().streamFailureHook = error -> {
                failureArrived.countDown();
                awaitStuckOrDone(closer, Duration.ofSeconds(5));
            };
            etcd.kill();
            assertThat(failureArrived.await(30, TimeUnit.SECONDS)).as("the watch stream failed").isTrue();

            Thread closing = Thread.ofPlatform().daemon().name("closer").start(storage::close);
            closer.set(closing);
            closing.join(CLOSE_BOUND.toMillis());
            assertThat(watchdog.cycle()).isNull();
            assertThat(closing.isAlive()).as("close returned within " + CLOSE_BOUND).isFalse();
        } finally {
            etcd.close();
        }
    }

    /**
     * The race at random, many times: watches open (live, from 0, catching up from an older revision, one
     * key), a writer busy, then etcd is killed, frozen (SIGSTOP) or restarted at about the moment the
     * storage is closed, in either order. Close returns within the bound and no thread waits in a cycle.
     */
    @TestFactory
    Stream<DynamicTest> closeWhileEtcdIsKilledFrozenOrRestarted() {
        LocalEtcdProcess etcd = sharedEtcd();
        return Stress.repeat("etcd close race", 3, random -> race(etcd, random));
    }

    private static void race(LocalEtcdProcess etcd, Random random) throws Exception {
        etcd.ensureRunning();
        EtcdFate fate = EtcdFate.random(random);
        AtomicBoolean closing = new AtomicBoolean();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start()) {
            EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), Duration.ofSeconds(2), Duration.ofMillis(200));
            String prefix = EtcdExtension.randomPrefix() + "/";
            long first = storage.create(prefix + "a", "1".getBytes()).modRevision();
            storage.create(prefix + "b", "1".getBytes());
            storage.watch(prefix, WatchOptions.from(storage.currentRevision()).withProgressNotify(), new WatchRecorder());
            storage.watch(prefix, WatchOptions.from(0), new WatchRecorder());
            storage.watch(prefix, WatchOptions.from(first), new WatchRecorder());
            storage.watch(prefix + "a", WatchOptions.from(first), new WatchRecorder());
            Thread writer = Thread.ofPlatform().daemon().name("writer").start(() -> {
                for (int i = 0; !closing.get(); i++) {
                    String value = Integer.toString(i);
                    try {
                        storage.guaranteedUpdate(prefix + (i % 2 == 0 ? "a" : "b"), Preconditions.NONE, true,
                                current -> value.getBytes());
                    } catch (StorageException e) {
                        // etcd gone or storage closed: keep going until told to stop
                    } catch (RuntimeException e) {
                        problems.add("writer: " + e);
                        return;
                    }
                }
            });
            Thread.sleep(random.nextInt(500));
            AtomicLong closeNanos = new AtomicLong();
            Runnable hitEtcd = fate.on(etcd);
            Thread closer;
            Thread hitter;
            if (random.nextBoolean()) {
                hitter = Thread.ofPlatform().daemon().name("etcd-" + fate).start(hitEtcd);
                Thread.sleep(random.nextInt(150));
                closer = Thread.ofPlatform().daemon().name("closer").start(timed(storage::close, closeNanos));
            } else {
                closer = Thread.ofPlatform().daemon().name("closer").start(timed(storage::close, closeNanos));
                Thread.sleep(random.nextInt(150));
                hitter = Thread.ofPlatform().daemon().name("etcd-" + fate).start(hitEtcd);
            }
            closer.join(CLOSE_BOUND.toMillis());
            long closeMillis = closeNanos.get() / 1_000_000;
            closing.set(true);
            writer.join(CLOSE_BOUND.toMillis());
            hitter.join(Duration.ofSeconds(30).toMillis());
            assertThat(watchdog.cycle()).isNull();
            assertThat(closer.isAlive()).as("close (etcd " + fate + ") returned within " + CLOSE_BOUND).isFalse();
            assertThat(writer.isAlive()).as("writer ended within " + CLOSE_BOUND + " of the close").isFalse();
            assertThat(problems).isEmpty();
            System.out.printf("etcd close race: etcd %s, close took %d ms%n", fate, closeMillis);
        } finally {
            closing.set(true);
            etcd.resume();
        }
    }

    private static synchronized LocalEtcdProcess sharedEtcd() {
        if (sharedEtcd == null) {
            sharedEtcd = EtcdExtension.startPrivate();
        }
        return sharedEtcd;
    }

    /**
     * Waits until {@code thread} is set and then blocked on a lock or finished, at most {@code max}, or
     * until this thread is interrupted.
     */
    private static void awaitStuckOrDone(AtomicReference<Thread> thread, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            Thread t = thread.get();
            if (t != null && (t.getState() == Thread.State.BLOCKED || t.getState() == Thread.State.TERMINATED)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** {@code close}, recording how long it took. */
    private static Runnable timed(Runnable close, AtomicLong nanos) {
        return () -> {
            long start = System.nanoTime();
            close.run();
            nanos.set(System.nanoTime() - start);
        };
    }
}

package dev.kapi.apiserver.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code concurrency} platform threads, each with its own {@link Worker} (its own
 * connection), calling it back to back for a fixed time. Reports operations per second and per-operation
 * latency; a failed operation stops the run with its error.
 */
final class Load {

    /** One client: does one operation per call; {@code seq} numbers this worker's operations from 0. */
    interface Worker extends AutoCloseable {
        void run(long seq) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Makes the worker of thread {@code index}. */
    interface WorkerFactory {
        Worker create(int index) throws Exception;
    }

    /** What a run measured. */
    record Result(long ops, double seconds, Latencies latencies, long serverCpuMillis) {
        double perSecond() {
            return ops / seconds;
        }
    }

    private Load() {
    }

    static Result run(int concurrency, Duration duration, WorkerFactory factory, ServerProcess server)
            throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(factory.create(i));
        }
        Latencies latencies = new Latencies(2_000_000);
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(concurrency);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (Worker worker : workers) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    long end = window[0] + duration.toNanos();
                    long seq = 0;
                    for (long now = System.nanoTime(); now < end && failure.get() == null; ) {
                        worker.run(seq++);
                        long after = System.nanoTime();
                        latencies.add(after - now);
                        ops.incrementAndGet();
                        now = after;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "load-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long cpuBefore = server == null ? 0 : server.cpuMillis();
        window[0] = System.nanoTime();
        start.countDown();
        done.await();
        long elapsed = System.nanoTime() - window[0];
        long cpu = server == null ? 0 : server.cpuMillis() - cpuBefore;
        for (Worker w : workers) {
            w.close();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load failed: " + failure.get(), failure.get());
        }
        return new Result(ops.get(), elapsed / 1e9, latencies, cpu);
    }
}

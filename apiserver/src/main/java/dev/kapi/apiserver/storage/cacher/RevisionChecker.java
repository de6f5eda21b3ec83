package dev.kapi.apiserver.storage.cacher;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads the backend's current revision for consistent reads, coalescing readers: a reader needs a check that
 * STARTED after it arrived (an older one could miss a write acknowledged just before the read), so it joins
 * the next check to start. At most one check runs at a time and at most one waits behind it, so any number
 * of concurrent readers cost about two backend round trips per batch.
 *
 * <p>Example: a check C1 is running when readers r1..r31 arrive: they all wait for C2, which starts as C1
 * ends; r32 arriving while C2 runs waits for C3. Each check runs on its own virtual thread.
 */
final class RevisionChecker {

    private final LongSupplier currentRevision;
    private final String threadName;
    private final AtomicLong checks = new AtomicLong();
    private CompletableFuture<Long> running;
    private CompletableFuture<Long> queued;

    RevisionChecker(LongSupplier currentRevision, String threadName) {
        this.currentRevision = currentRevision;
        this.threadName = threadName;
    }

    /**
     * The backend's current revision from a check that started after this call, waiting until
     * {@code deadlineNanos}.
     *
     * @throws TimeoutException when the check did not answer in time
     * @throws ExecutionException with the backend's failure
     */
    long check(long deadlineNanos) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Long> mine;
        boolean start = false;
        synchronized (this) {
            if (running == null) {
                running = new CompletableFuture<>();
                mine = running;
                start = true;
            } else {
                if (queued == null) {
                    queued = new CompletableFuture<>();
                }
                mine = queued;
            }
        }
        if (start) {
            start(mine);
        }
        return mine.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** How many checks reached the backend. */
    long checks() {
        return checks.get();
    }

    private void start(CompletableFuture<Long> check) {
        Thread.ofVirtual().name(threadName).start(() -> {
            checks.incrementAndGet();
            try {
                check.complete(currentRevision.getAsLong());
            } catch (Throwable e) {
                check.completeExceptionally(e);
            }
            CompletableFuture<Long> next;
            synchronized (this) {
                running = queued;
                queued = null;
                next = running;
            }
            if (next != null) {
                start(next);
            }
        });
    }
}

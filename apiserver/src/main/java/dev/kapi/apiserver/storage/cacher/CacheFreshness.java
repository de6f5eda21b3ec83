package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.Storage;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * When a {@link Cacher}'s memory is fresh enough for a read (kube's {@code waitUntilFreshAndBlock}): for a
 * consistent read, the backend's current revision ({@link RevisionChecker}: one check shared by concurrent
 * readers), then a wait for the cache to reach it while asking the backend's watch for progress. It counts
 * what the reads found and the time they waited, and logs a read that waited {@link #SLOW_WAIT} or longer,
 * whether it then read memory or the backend (at most every {@link #LOG_EVERY}).
 *
 * <p>Example: a GET arrives with the cache at revision 90; the check answers 95 (writes the GET must see); the
 * GET waits until the watch has brought 95 (usually a few milliseconds), then reads memory.
 */
final class CacheFreshness {

    private static final Logger LOG = Logger.getLogger(CacheFreshness.class.getName());
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final Duration SLOW_WAIT = Duration.ofSeconds(1);

    /** How often a waiting read asks the backend's watch for progress again. */
    static final Duration PROGRESS_REQUEST_EVERY = Duration.ofMillis(20);
    /**
     * How long a read waits for the cache to move when the backend's progress may stay behind its current
     * revision (etcd before 3.4.31: the progress of what its watch delivered, which misses writes outside the
     * watch); it waits on (up to the read's deadline) as long as each such wait saw the cache advance.
     */
    static final Duration UNCONFIRMED_WAIT = Duration.ofMillis(100);
    /**
     * The same for a reader that can wait ({@link #caughtUpPatiently}: an informer's list while the cache primes,
     * when the server's threads are busy for seconds and the cache may stand still that long).
     */
    static final Duration PATIENT_UNCONFIRMED_WAIT = Duration.ofSeconds(3);

    private final Storage backend;
    private final WatchCache cache;
    private final CacheReflector reflector;
    private final String resource;
    private final RevisionChecker checker;
    /**
     * A revision the cache did not reach while it stood still for {@link #UNCONFIRMED_WAIT} (a backend whose
     * progress stays behind, e.g. after writes outside its watch): until the cache passes it, reads go to the
     * backend at once instead of waiting again for every read.
     */
    private final AtomicLong unreached = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder fromCache = new LongAdder();
    private final LongAdder fallback = new LongAdder();
    private final LongAdder waited = new LongAdder();

    CacheFreshness(Storage backend, WatchCache cache, CacheReflector reflector, String resource) {
        this.backend = backend;
        this.cache = cache;
        this.reflector = reflector;
        this.resource = resource;
        this.checker = new RevisionChecker(backend::currentRevision, "cacher-revision-" + resource);
    }

    /**
     * Whether a consistent read can be answered from memory: the backend's current revision (a check that
     * started after this call), then {@link #caughtUp} to it; counted as served from the cache or as a fallback.
     */
    boolean consistentRead(long deadline) {
        long start = System.nanoTime();
        boolean served = false;
        try {
            served = consistentRead(start, deadline);
            return served;
        } finally {
            waited.add(System.nanoTime() - start);
            (served ? fromCache : fallback).increment();
        }
    }

    /** A consistent read found the cache not primed (it goes to the backend). */
    void notReady() {
        fallback.increment();
    }

    private boolean consistentRead(long start, long deadline) {
        long target;
        try {
            target = checker.check(deadline);
        } catch (TimeoutException | ExecutionException e) {
            logWait(start, "went to storage: the backend's current revision was not read in time (" + e + ")");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        long cached = cache.revision();
        boolean served = caughtUp(target, deadline);
        if (System.nanoTime() - start >= SLOW_WAIT.toNanos()) {
            logWait(start, served
                    ? "served from the watch cache, which was at revision " + cached + ", the backend at " + target
                    : "went to storage: the cache was at revision " + cache.revision() + ", the backend at " + target);
        }
        return served;
    }

    /** Logs a consistent read that waited {@link #SLOW_WAIT} or longer, at most once per {@link #LOG_EVERY}. */
    private void logWait(long startNanos, String what) {
        long now = System.nanoTime();
        long last = lastLog.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY.toNanos())
                && lastLog.compareAndSet(last, now)) {
            LOG.info(() -> "a consistent read of " + resource + " waited " + (now - startNanos) / 1_000_000
                    + " ms and " + what + " (logged at most every " + LOG_EVERY.toSeconds() + " s)");
        }
    }

    /**
     * Whether the cache reaches {@code revision} in time, asking the backend's watch for progress every
     * {@link #PROGRESS_REQUEST_EVERY}: until {@code deadline} when the backend answers with its current
     * revision; else while the cache keeps moving (each {@link #UNCONFIRMED_WAIT} it must have advanced, or the
     * revision may be one its watch will not bring, a write outside it), and not at all while the cache has not
     * passed a revision such a wait missed before. So a cache catching up on a backlog serves the read once it
     * is there, instead of sending every read of a busy moment to the backend.
     */
    boolean caughtUp(long revision, long deadline) {
        return caughtUp(revision, deadline, Patience.READ);
    }

    /**
     * {@link #caughtUp} for an in-process reader that can wait (an informer's list, which otherwise reads every
     * key from the backend): on an unconfirmed backend it gives up only after the cache stood still for
     * {@link #PATIENT_UNCONFIRMED_WAIT} (logged). While the cache primes it waits even when a read missed the
     * revision before (after a restart the cache lags for a while, and reads give up soon); a cache that was
     * primed when the wait began gives up at once on such a revision, as a read does, so that writes outside the
     * watch do not cost every informer's list the wait.
     */
    boolean caughtUpPatiently(long revision, long deadline, boolean primed) {
        if (caughtUp(revision, deadline, primed ? Patience.SKIP_MISSED : Patience.PATIENT)) {
            return true;
        }
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        LOG.info(() -> "the watch cache of " + resource + " did not reach revision " + revision + " (at "
                + cache.revision() + (backend.answersProgressRequests() ? ", the wait's end"
                : "; standing still: the backend's progress is not asked for, and the revision may be a write"
                + " outside the watch") + ")");
        return false;
    }

    /**
     * How long a wait on an unconfirmed backend goes on without the cache moving, and whether it gives up at once
     * on a revision missed before.
     */
    private enum Patience {
        READ(UNCONFIRMED_WAIT, true),
        SKIP_MISSED(PATIENT_UNCONFIRMED_WAIT, true),
        PATIENT(PATIENT_UNCONFIRMED_WAIT, false);

        final Duration standingStill;
        final boolean skipsMissed;

        Patience(Duration standingStill, boolean skipsMissed) {
            this.standingStill = standingStill;
            this.skipsMissed = skipsMissed;
        }
    }

    private boolean caughtUp(long revision, long deadline, Patience patience) {
        if (cache.revision() >= revision) {
            return true;
        }
        boolean confirmed = backend.answersProgressRequests();
        Duration unconfirmedWait = patience.standingStill;
        if (!confirmed && patience.skipsMissed && cache.revision() < unreached.get()) {
            reflector.requestProgress(); // no wait: the answers tell the cache when it passed the revision missed
            return false;
        }
        long end = confirmed ? deadline : unconfirmedEnd(deadline, unconfirmedWait);
        long seen = cache.revision();
        try {
            while (true) {
                reflector.requestProgress();
                long slice = System.nanoTime() + PROGRESS_REQUEST_EVERY.toNanos();
                if (cache.awaitRevision(revision, slice - end < 0 ? slice : end)) {
                    return true;
                }
                if (System.nanoTime() - end >= 0) {
                    long now = cache.revision();
                    if (!confirmed && now > seen && end - deadline < 0) {
                        seen = now; // still catching up
                        end = unconfirmedEnd(deadline, unconfirmedWait);
                        continue;
                    }
                    if (!confirmed) {
                        unreached.accumulateAndGet(revision, Math::max);
                    }
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long unconfirmedEnd(long deadline, Duration unconfirmedWait) {
        long end = System.nanoTime() + unconfirmedWait.toNanos();
        return end - deadline < 0 ? end : deadline;
    }

    /** Consistent reads answered from memory. */
    long fromCache() {
        return fromCache.sum();
    }

    /** Consistent reads passed to the backend. */
    long fallback() {
        return fallback.sum();
    }

    /** The time consistent reads spent on the revision check and waiting for the cache. */
    long waitedNanos() {
        return waited.sum();
    }

    /** How many revision checks reached the backend. */
    long revisionChecks() {
        return checker.checks();
    }
}

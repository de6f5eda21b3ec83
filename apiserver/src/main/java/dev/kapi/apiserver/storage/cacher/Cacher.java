package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.UpdateLoop;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The watch cache of one resource (kube's storage/cacher): a {@link Storage} decorator that keeps every object
 * under {@code prefix} in memory, following the backend's watch, and serves reads and watches from there.
 * Writes always go to the backend; keys outside the prefix pass straight through.
 *
 * <table>
 *   <caption>How each read is served, once the cache is primed (before that, everything is the backend's)</caption>
 *   <tr><th>read</th><th>served</th></tr>
 *   <tr><td>{@link ReadRevision.Match#ANY}</td><td>from memory, at the cache's revision</td></tr>
 *   <tr><td>{@link ReadRevision.Match#NOT_OLDER_THAN} N</td><td>from memory once the cache reached N (waiting
 *       up to {@link CacherOptions#consistentReadWait}); TOO_LARGE_RESOURCE_VERSION, as the backend says it,
 *       when the backend has not reached N; the backend when the cache does not catch up in time</td></tr>
 *   <tr><td>{@link ReadRevision.Match#MOST_RECENT}</td><td>the backend's current revision R is read (one check
 *       shared by concurrent readers, see {@link RevisionChecker}); from memory once the cache reached R
 *       (asking the backend's watch for prompt progress), else, after the wait, from the backend</td></tr>
 *   <tr><td>EXACT, CONTINUE</td><td>the backend</td></tr>
 * </table>
 * A backend whose progress answers may stay behind its current revision (see
 * {@link Storage#answersProgressRequests}; etcd before 3.4.31 and 3.5.13, which Kapi does not ask: the etcd
 * hub answers with what its watch delivered) is waited for while the cache keeps advancing, giving up after
 * {@link #UNCONFIRMED_WAIT} without a change.
 *
 * <p>Lists from memory answer the cache's revision; with a limit, a continue token at that revision (the next
 * pages are the backend's, at exactly that revision). A list with an {@link dev.kapi.apiserver.storage.IndexMatch}
 * for which the options have an indexer answers only the matching objects. Watches from 0 or from a revision
 * inside the history's window are served from memory (a watch from 0 starts with the cache's current state,
 * like kube's resourceVersion=0; the registry's watches start from a consistent list's revision); older ones,
 * or ones from before a compaction that went through this cacher, are the backend's (which answers EXPIRED
 * when compacted).
 *
 * <p>Example: {@code new Cacher(etcd, "/registry/pods/", CacherOptions.DEFAULTS)}; after priming,
 * {@code get("/registry/pods/default/web")} costs one shared etcd revision check and a map lookup, and sees
 * every write acknowledged before it started.
 */
public final class Cacher implements Storage {

    /** The one thread sending PROGRESS to quiet watches of every cacher (a tick is a short in-memory pass). */
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cacher-watch-progress");
        t.setDaemon(true);
        return t;
    });

    private static final Logger LOG = Logger.getLogger(Cacher.class.getName());
    private static final Duration FALLBACK_LOG_EVERY = Duration.ofSeconds(10);
    private static final Duration SLOW_WAIT = Duration.ofSeconds(1);

    /** How often a waiting read asks the backend's watch for progress again. */
    static final Duration PROGRESS_REQUEST_EVERY = Duration.ofMillis(20);
    /**
     * How long a read waits for the cache to move when the backend's progress may stay behind its current
     * revision (etcd before 3.4.31: the progress of what its watch delivered, which misses writes outside the
     * watch); it waits on (up to the read's deadline) as long as each such wait saw the cache advance.
     */
    static final Duration UNCONFIRMED_WAIT = Duration.ofMillis(100);

    private final Storage backend;
    private final String prefix;
    private final CacherOptions options;
    private final String resource;
    private final WatchFanOut fanOut;
    private final WatchCache cache;
    private final CacheWatches watches;
    private final CacheReflector reflector;
    private final RevisionChecker checker;
    private final AtomicLong compacted = new AtomicLong();
    /**
     * A revision the cache did not reach within {@link #UNCONFIRMED_WAIT} (a backend whose progress stays
     * behind, e.g. after writes outside its watch): until the cache passes it, reads go to the backend at
     * once instead of waiting again for every read.
     */
    private final AtomicLong unreached = new AtomicLong();
    private final AtomicLong lastFallbackLog = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder fromCache = new LongAdder();
    private final LongAdder fallback = new LongAdder();
    private final LongAdder waited = new LongAdder();

    /**
     * A cache of the keys under {@code prefix} (ending in {@code /}) of {@code backend}; it starts priming at
     * once, in the background.
     */
    public Cacher(Storage backend, String prefix, CacherOptions options) {
        if (backend == null || prefix == null || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a watch cache needs a backend and a prefix ending in /: " + prefix);
        }
        this.backend = backend;
        this.prefix = prefix;
        this.options = options;
        this.resource = options.resource() != null ? options.resource() : resourceOf(prefix);
        this.fanOut = new WatchFanOut(TICKER, options.progressInterval(), 50,
                "the watch cache of " + resource + " is closed", 0);
        this.cache = new WatchCache(prefix, options, fanOut);
        this.watches = new CacheWatches(cache);
        this.checker = new RevisionChecker(backend::currentRevision, "cacher-revision-" + resource);
        this.reflector = new CacheReflector(backend, prefix, cache, resource);
        reflector.start();
    }

    static String resourceOf(String prefix) {
        String trimmed = prefix.substring(0, prefix.length() - 1);
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return last.isEmpty() ? prefix : last;
    }

    @Override
    public KeyValue get(String key, GetOptions getOptions) {
        if (!key.startsWith(prefix) || getOptions.fromStorage() || !servable(getOptions.at(), key)) {
            return backend.get(key, getOptions);
        }
        KeyValue kv = cache.get(key);
        if (kv == null) {
            throw UpdateLoop.notFound(key);
        }
        return kv;
    }

    @Override
    public ListResult list(String listPrefix, ListOptions listOptions) {
        if (!listPrefix.startsWith(prefix) || !listPrefix.endsWith("/") || listOptions.continuing()
                || !servable(listOptions.at(), listPrefix)) {
            return backend.list(listPrefix, listOptions);
        }
        return cache.list(listPrefix, listOptions.limit(), listOptions.index());
    }

    /** Whether a read at {@code at} can be answered from memory now (after waiting for the cache if needed). */
    private boolean servable(ReadRevision at, String key) {
        boolean consistent = at.match() == ReadRevision.Match.MOST_RECENT;
        if (!cache.ready()) {
            if (consistent) {
                fallback.increment();
            }
            return false;
        }
        long deadline = System.nanoTime() + options.consistentReadWait().toNanos();
        return switch (at.match()) {
            case ANY -> true;
            case NOT_OLDER_THAN -> {
                if (cache.revision() >= at.revision()) {
                    yield true;
                }
                long current = backend.currentRevision();
                if (current < at.revision()) {
                    throw ReadRevision.tooLarge(key, at.revision(), current);
                }
                yield caughtUp(at.revision(), deadline);
            }
            case MOST_RECENT -> {
                boolean served = consistentRead(deadline);
                (served ? fromCache : fallback).increment();
                yield served;
            }
            case EXACT, CONTINUE -> false;
        };
    }

    private boolean consistentRead(long deadline) {
        long start = System.nanoTime();
        try {
            return consistentRead(start, deadline);
        } finally {
            waited.add(System.nanoTime() - start);
        }
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
        if (caughtUp(target, deadline)) {
            if (System.nanoTime() - start >= SLOW_WAIT.toNanos()) {
                logWait(start, "served from the watch cache, which was at revision " + cached + ", the backend at "
                        + target);
            }
            return true;
        }
        logWait(start, "went to storage: the cache was at revision " + cache.revision() + ", the backend at "
                + target);
        return false;
    }

    /**
     * Logs a consistent read that went to the backend, or waited {@link #SLOW_WAIT} or longer for the cache, at
     * most once per {@link #FALLBACK_LOG_EVERY}.
     */
    private void logWait(long startNanos, String what) {
        long now = System.nanoTime();
        long last = lastFallbackLog.get();
        if ((last == Long.MIN_VALUE || now - last >= FALLBACK_LOG_EVERY.toNanos())
                && lastFallbackLog.compareAndSet(last, now)) {
            LOG.info(() -> "a consistent read of " + resource + " waited " + (now - startNanos) / 1_000_000
                    + " ms and " + what + " (logged at most every " + FALLBACK_LOG_EVERY.toSeconds() + " s)");
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
    private boolean caughtUp(long revision, long deadline) {
        if (cache.revision() >= revision) {
            return true;
        }
        boolean confirmed = backend.answersProgressRequests();
        if (!confirmed && cache.revision() < unreached.get()) {
            reflector.requestProgress(); // no wait: the answers tell the cache when it passed the revision missed
            return false;
        }
        long end = confirmed ? deadline : unconfirmedEnd(deadline);
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
                        end = unconfirmedEnd(deadline);
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

    private static long unconfirmedEnd(long deadline) {
        long end = System.nanoTime() + UNCONFIRMED_WAIT.toNanos();
        return end - deadline < 0 ? end : deadline;
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions watchOptions, WatchListener listener) {
        long from = watchOptions.fromRevision();
        if (!prefixOrKey.startsWith(prefix) || from > 0 && from < compacted.get()) {
            return backend.watch(prefixOrKey, watchOptions, listener);
        }
        WatchSubscription served = watches.watch(prefixOrKey, watchOptions, listener);
        return served != null ? served : backend.watch(prefixOrKey, watchOptions, listener);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return backend.create(key, value);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return backend.guaranteedUpdate(key, preconditions, ignoreNotFound, update);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return backend.delete(key, preconditions);
    }

    @Override
    public long currentRevision() {
        return backend.currentRevision();
    }

    /** Compacts the backend; watches from before {@code revision} are the backend's from now on (EXPIRED). */
    @Override
    public void compact(long revision) {
        backend.compact(revision);
        compacted.accumulateAndGet(revision, Math::max);
    }

    /** The cache's watches are told its revision at once, every change up to it delivered. */
    @Override
    public boolean answersProgressRequests() {
        return true;
    }

    @Override
    public boolean isHealthy() {
        return backend.isHealthy();
    }

    @Override
    public boolean hasSpace() {
        return backend.hasSpace();
    }

    /** The cache's state and counters, for metrics. */
    public CacheStats stats() {
        return cache.stats(resource, fromCache.sum(), fallback.sum(), reflector.initializations(), waited.sum());
    }

    /** How many revision checks reached the backend (for tests of coalescing). */
    long revisionChecks() {
        return checker.checks();
    }

    /** Stops following the backend and ends the cache's watches; the backend stays open (its owner closes it). */
    @Override
    public void close() {
        reflector.close();
        fanOut.close();
    }
}

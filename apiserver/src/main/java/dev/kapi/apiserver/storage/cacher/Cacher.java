package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.UpdateLoop;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watch cache of one resource (kube's storage/cacher): a {@link Storage} decorator that keeps every object
 * under {@code prefix} in memory, following the backend's watch, and serves reads and watches from there.
 * Writes always go to the backend, starting from the cached entry (the backend's compare-and-swap catches a stale
 * one, see {@link Storage#guaranteedUpdate(String, Preconditions, boolean, UpdateFunction, KeyValue)}); keys
 * outside the prefix pass straight through.
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
 *       (asking the backend's watch for prompt progress), else, after the wait, from the backend (see
 *       {@link CacheFreshness})</td></tr>
 *   <tr><td>EXACT, CONTINUE</td><td>the backend</td></tr>
 * </table>
 * Before the cache is ready, a list at ANY or NOT_OLDER_THAN with no limit or with a selector waits up to
 * {@link #NOT_READY_WAIT} for it, then fails with NOT_READY (kube's 429 "storage is (re)initializing"); every
 * other read is the backend's.
 * A backend whose progress answers may stay behind its current revision (see
 * {@link Storage#answersProgressRequests}; etcd before 3.4.31 and 3.5.13, which Kapi does not ask: the etcd
 * hub answers with what its watch delivered, which a barrier write moves past writes outside the watch) is
 * waited for while the cache keeps advancing, giving up after {@link CacheFreshness#UNCONFIRMED_WAIT} without a
 * change.
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
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cacher-watch-progress").daemon().factory());

    /** How long a list the cache must serve waits for it to be primed before it is refused. */
    static final Duration NOT_READY_WAIT = Duration.ofSeconds(1);

    private final Storage backend;
    private final String prefix;
    private final CacherOptions options;
    private final String resource;
    private final WatchFanOut fanOut;
    private final WatchCache cache;
    private final CacheWatches watches;
    private final CacheReflector reflector;
    private final CacheFreshness freshness;
    private final AtomicLong compacted = new AtomicLong();

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
        this.reflector = new CacheReflector(backend, prefix, cache, resource);
        this.freshness = new CacheFreshness(backend, cache, reflector, resource);
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
        if (!listPrefix.startsWith(prefix) || !listPrefix.endsWith("/") || listOptions.continuing()) {
            return backend.list(listPrefix, listOptions);
        }
        if (!cache.ready() && refusedWhileNotReady(listOptions) && !readyWithin(NOT_READY_WAIT)) {
            throw new StorageException(StorageException.Code.NOT_READY, listPrefix,
                    "the watch cache of " + resource + " is (re)initializing");
        }
        if (!servable(listOptions.at(), listPrefix)) {
            return backend.list(listPrefix, listOptions);
        }
        return cache.list(listPrefix, listOptions.limit(), listOptions.index());
    }

    /** Whether the cache becomes ready within {@code wait}. */
    private boolean readyWithin(Duration wait) {
        try {
            return cache.awaitReady(System.nanoTime() + wait.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * kube's ResilientWatchCacheInitialization: before the cache is ready, a list that asked for memory
     * (resourceVersion 0 or not older than N) goes to the backend only when its cost is bounded, a limit and no
     * selector; any other (every Pod at once, or the few of one node read out of all of them) is refused, to be
     * tried again, instead of loading the backend while it serves the cache's own priming list. Consistent,
     * exact and continued lists are the backend's anyway. Unlike kube, such a list first waits
     * {@link #NOT_READY_WAIT} for the cache, so one that starts as a small cache primes (a custom resource's, just
     * established) is served rather than refused.
     */
    private static boolean refusedWhileNotReady(ListOptions listOptions) {
        ReadRevision.Match match = listOptions.at().match();
        boolean fromMemory = match == ReadRevision.Match.ANY || match == ReadRevision.Match.NOT_OLDER_THAN;
        return fromMemory && (listOptions.limit() <= 0 || listOptions.selective() || listOptions.index() != null);
    }

    /** Whether a read at {@code at} can be answered from memory now (after waiting for the cache if needed). */
    private boolean servable(ReadRevision at, String key) {
        if (!cache.ready()) {
            if (at.match() == ReadRevision.Match.MOST_RECENT) {
                freshness.notReady();
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
                yield freshness.caughtUp(at.revision(), deadline);
            }
            case MOST_RECENT -> freshness.consistentRead(deadline);
            case EXACT, CONTINUE -> false;
        };
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

    /** The backend's update, starting from the cached entry when there is one (kube's cacher does the same). */
    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return guaranteedUpdate(key, preconditions, ignoreNotFound, update, null);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update, KeyValue cached) {
        return backend.guaranteedUpdate(key, preconditions, ignoreNotFound, update, cachedOr(key, cached));
    }

    /** The backend's delete, conditioned first on the cached entry when there is one. */
    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return delete(key, preconditions, null);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions, KeyValue cached) {
        return backend.delete(key, preconditions, cachedOr(key, cached));
    }

    /** The caller's entry, else the cache's (not waited for: the backend's compare-and-swap checks it). */
    private KeyValue cachedOr(String key, KeyValue given) {
        if (given != null || !key.startsWith(prefix) || !cache.ready()) {
            return given;
        }
        return cache.get(key);
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

    /**
     * When {@code listPrefix} is this cache's (else the backend's answer): waits for the cache's priming, then for
     * it to reach {@code revision}, asking the backend's watch for progress as a consistent read does, with the
     * patience of {@link CacheFreshness#caughtUpPatiently} (which depends on whether the cache was primed when the
     * wait began).
     */
    @Override
    public boolean awaitCached(String listPrefix, long revision, Duration timeout) throws InterruptedException {
        if (!listPrefix.startsWith(prefix)) {
            return backend.awaitCached(listPrefix, revision, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean primed = cache.ready();
        boolean cached = cache.awaitReady(deadline)
                && (revision <= 0 || freshness.caughtUpPatiently(revision, deadline, primed));
        if (!cached && Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for the watch cache of " + prefix);
        }
        return cached;
    }

    @Override
    public boolean isHealthy() {
        return backend.isHealthy();
    }

    @Override
    public boolean hasSpace() {
        return backend.hasSpace();
    }

    @Override
    public long sizeBytes() {
        return backend.sizeBytes();
    }

    /** The cache's state and counters, for metrics. */
    public CacheStats stats() {
        return cache.stats(resource, freshness.fromCache(), freshness.fallback(), reflector.initializations(),
                freshness.waitedNanos());
    }

    /** How many revision checks reached the backend (for tests of coalescing). */
    long revisionChecks() {
        return freshness.revisionChecks();
    }

    /** Stops following the backend and ends the cache's watches; the backend stays open (its owner closes it). */
    @Override
    public void close() {
        reflector.close();
        fanOut.close();
    }
}

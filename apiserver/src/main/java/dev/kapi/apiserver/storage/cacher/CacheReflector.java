package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a {@link WatchCache} in step with the backend, like kube's reflector: primes it with one list (page
 * by page at one revision), then follows the backend's watch from that revision with progress
 * notifications. When that watch ends with an ERROR (EXPIRED after a compaction, or any other failure) the
 * cache turns unready (its watches end with that error, reads pass through) and this re-primes it: list
 * again, watch again, after a short pause that grows while the backend keeps failing.
 *
 * <p>Runs on one virtual thread, which is the only one calling the backend; the watch's listener only
 * updates memory (it is called with the backend's locks held, see {@link WatchListener}).
 *
 * <p>Example: primed at 100; etcd compacts to 150 while the watch is disconnected; the watch reports EXPIRED;
 * the cache fails its watches, lists again at 180 and serves from 180 on.
 */
final class CacheReflector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CacheReflector.class.getName());
    private static final int PAGE = 1000;
    private static final long MIN_PAUSE_MILLIS = 100;
    private static final long MAX_PAUSE_MILLIS = 5000;

    private final Storage backend;
    private final String prefix;
    private final WatchCache cache;
    private final String name;
    private final Semaphore watchEnded = new Semaphore(0);
    private final AtomicLong initializations = new AtomicLong();
    private volatile WatchHandle handle;
    private volatile boolean closed;
    private Thread thread;

    CacheReflector(Storage backend, String prefix, WatchCache cache, String name) {
        this.backend = backend;
        this.prefix = prefix;
        this.cache = cache;
        this.name = name;
    }

    synchronized void start() {
        thread = Thread.ofVirtual().name("cacher-reflector-" + name).start(this::run);
    }

    /** Completed primings. */
    long initializations() {
        return initializations.get();
    }

    /** Asks the backend's watch for a prompt PROGRESS (see {@link WatchHandle#requestProgress}). */
    void requestProgress() {
        WatchHandle current = handle;
        if (current != null) {
            current.requestProgress();
        }
    }

    private void run() {
        long pause = MIN_PAUSE_MILLIS;
        while (!closed) {
            try {
                prime();
                pause = MIN_PAUSE_MILLIS;
                watchEnded.acquire();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "priming the watch cache of " + name + " failed; trying again", e);
                try {
                    TimeUnit.MILLISECONDS.sleep(pause);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
            } finally {
                closeHandle();
            }
        }
    }

    private void prime() {
        List<KeyValue> entries = new ArrayList<>();
        ListResult page = backend.list(prefix, ListOptions.limit(PAGE));
        long revision = page.revision();
        entries.addAll(page.items());
        while (page.continueToken() != null) {
            page = backend.list(prefix, ListOptions.continueFrom(page.continueToken(), PAGE));
            entries.addAll(page.items());
        }
        long generation = cache.generation();
        cache.reset(entries, revision);
        Follower follower = new Follower();
        handle = backend.watch(prefix, WatchOptions.from(revision).withProgressNotify(), follower);
        if (closed) {
            return;
        }
        cache.markReady(generation);
        initializations.incrementAndGet();
        LOG.fine(() -> "watch cache of " + name + " primed at " + revision + " with " + entries.size() + " objects");
    }

    /** The backend watch's listener of one priming; after an ERROR (or close) it ignores what still comes. */
    private final class Follower implements WatchListener {

        private volatile boolean active = true;

        @Override
        public void onEvent(WatchEvent event) {
            if (!active || closed) {
                return;
            }
            switch (event.type()) {
                case PROGRESS -> cache.progress(event.revision());
                case ERROR -> {
                    active = false;
                    LOG.log(Level.FINE, "the backend watch of the watch cache of " + name + " failed",
                            event.error());
                    cache.fail(event.error());
                    watchEnded.release();
                }
                default -> cache.apply(event);
            }
        }
    }

    private void closeHandle() {
        WatchHandle current = handle;
        handle = null;
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing the backend watch of " + name + " failed", e);
            }
        }
    }

    /** Stops following the backend (the backend itself stays open). */
    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
        }
        closeHandle();
    }
}

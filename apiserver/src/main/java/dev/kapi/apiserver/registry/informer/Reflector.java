package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The list-and-watch loop of an {@link Informer} (kube's reflector, with the shared informer's delta handling):
 * it lists into the {@link InformerCache}, watches from the list's revision, applies every event to the cache and
 * tells the {@link InformerHandlers}; it watches again after a watch ended, lists again at once after a 410 and
 * after a wait after any other failure, and tells a resync every {@link InformerOptions#resync}. It runs on the
 * informer's thread until {@link #markClosed}; only {@link #markClosed}, {@link #closeWatch}, {@link #isWatching} and
 * {@link #lastSyncResourceVersion} are for other threads.
 */
final class Reflector<T extends HasMetadata> {

    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);
    /** A watch that ends by itself this soon without any event is a failure (as in kube's reflector). */
    static final Duration SHORT_WATCH = Duration.ofSeconds(1);
    /** A watch that served this long before it failed ends the backoff of the failures before it. */
    static final Duration HEALTHY_WATCH = Duration.ofSeconds(30);
    private static final long MAX_POLL_MILLIS = 1000;

    private final Store<T> store;
    private final String name;
    private final InformerOptions options;
    private final Predicate<T> filter;
    private final UnaryOperator<T> transform;
    private final InformerLists<T> lists;
    private final InformerCache<T> cache;
    private final InformerHandlers<T> handlers;
    private final CountDownLatch synced;
    private volatile boolean watching;
    private volatile boolean closed;
    private volatile StoreWatch<T> watch;
    private volatile String lastSyncResourceVersion = "";

    // used by the informer's thread only
    private String revision = "";
    private long nextResyncNanos;
    private int failures;
    /** When the current watch opened (0: none yet in this attempt). */
    private long watchOpenedNanos;

    Reflector(Store<T> store, String name, InformerOptions options, Predicate<T> filter, UnaryOperator<T> transform,
              InformerLists<T> lists, InformerCache<T> cache, InformerHandlers<T> handlers, CountDownLatch synced) {
        this.store = store;
        this.name = name;
        this.options = options;
        this.filter = filter;
        this.transform = transform;
        this.lists = lists;
        this.cache = cache;
        this.handlers = handlers;
        this.synced = synced;
    }

    /** Lists and watches until {@link #markClosed} (or an error that is not storage's: logged and thrown). */
    void run() {
        try {
            loop();
        } catch (Throwable t) {
            if (!closed) {
                LOG.error("informer {} stopped: {}", name, t.toString(), t);
            }
            throw t;
        } finally {
            watching = false; // a dead informer never answers for storage (isWatching)
        }
    }

    /**
     * Marks the loop closed (then {@link #closeWatch}, and the caller interrupts the thread: a storage call or a
     * poll it waits in ends at once).
     */
    void markClosed() {
        closed = true;
    }

    /** Closes the watch the loop follows, if any. */
    void closeWatch() {
        StoreWatch<T> w = watch;
        if (w != null) {
            w.close();
        }
    }

    boolean closed() {
        return closed;
    }

    /** See {@link Informer#isWatching}. */
    boolean isWatching() {
        return watching && !closed;
    }

    /** See {@link Informer#lastSyncResourceVersion}. */
    String lastSyncResourceVersion() {
        return lastSyncResourceVersion;
    }

    private void loop() {
        boolean list = true;
        while (!closed) {
            watchOpenedNanos = 0;
            try {
                if (list) {
                    relist();
                    list = false;
                }
                follow();
                healthy();
            } catch (InterruptedException e) {
                return;
            } catch (Expired e) {
                watching = false;
                LOG.info("informer {}: {}; listing again", name, e.getMessage());
                list = true;
            } catch (RuntimeException e) {
                watching = false;
                if (closed) {
                    return;
                }
                if (watchOpenedNanos != 0 && System.nanoTime() - watchOpenedNanos >= HEALTHY_WATCH.toNanos()) {
                    healthy(); // a watch that served a while before failing starts the backoff over
                }
                list = true;
                if (!backOff(e)) {
                    return;
                }
            }
        }
    }

    /**
     * A watch ran until its timeout, or for {@link #HEALTHY_WATCH}: the failures before it are over. Counting
     * them only then (not after a list that worked) keeps a watch that fails at once after every list on the
     * growing backoff instead of a list a second.
     */
    private void healthy() {
        if (failures > 0) {
            LOG.info("informer {}: watching again after {} failed attempts", name, failures);
        }
        failures = 0;
    }

    /** Makes the cache equal to a list (at the revision {@link InformerLists} picks), telling the differences. */
    private void relist() throws InterruptedException {
        ListPage<T> page = lists.list();
        Map<String, T> listed = new LinkedHashMap<>();
        for (T item : page.items()) {
            T obj = transform.apply(item);
            listed.put(InformerCache.key(obj), obj);
        }
        try {
            for (T obj : listed.values()) {
                T old = cache.put(obj);
                if (old == null) {
                    handlers.tell(h -> h.onAdd(obj));
                } else if (!sameVersion(old, obj)) {
                    handlers.tell(h -> h.onUpdate(old, obj));
                }
            }
            for (T old : cache.list()) {
                if (!listed.containsKey(InformerCache.key(old))) {
                    cache.remove(old);
                    handlers.tell(h -> h.onDelete(old));
                }
            }
        } finally {
            handlers.tell(EventHandler::onBatchEnd);
        }
        moveTo(page.resourceVersion());
        nextResyncNanos = System.nanoTime() + options.resync().toNanos(); // a list is a full sync of its own
        synced.countDown();
    }

    /** Watches from the last revision until the watch ends (normal return) or fails (thrown). */
    private void follow() throws InterruptedException {
        StoreWatch<T> w = open();
        long opened = System.nanoTime();
        watchOpenedNanos = opened;
        long deadline = opened + watchTimeoutNanos();
        long events = 0;
        try {
            watch = w;
            if (closed) {
                return;
            }
            watching = true;
            while (!closed) {
                if (w.isClosed()) {
                    if (events == 0 && System.nanoTime() - opened < SHORT_WATCH.toNanos()) {
                        throw new WatchFailed("the watch ended as soon as it opened");
                    }
                    return;
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    return;
                }
                if (!options.resync().isZero() && now - nextResyncNanos >= 0) {
                    resync(now);
                }
                List<ApiWatchEvent> batch = w.poll(pollMillis(now, deadline));
                events += batch.size();
                if (!batch.isEmpty()) {
                    try {
                        batch.forEach(this::apply);
                    } finally {
                        handlers.tell(EventHandler::onBatchEnd);
                    }
                }
            }
        } finally {
            watch = null;
            w.close();
        }
    }

    private StoreWatch<T> open() {
        try {
            return store.watcher().open(null, new WatchParams<>(filter, revision, "", true, null));
        } catch (StatusError e) {
            if (e.code() == 410) {
                throw new Expired(e.getMessage());
            }
            throw e;
        }
    }

    private void apply(ApiWatchEvent e) {
        switch (e.type()) {
            case "ADDED", "MODIFIED" -> {
                T obj = transform.apply(store.definition().type().cast(e.object()));
                T old = cache.put(obj);
                if (old == null) {
                    handlers.tell(h -> h.onAdd(obj));
                } else if (!sameVersion(old, obj)) {
                    handlers.tell(h -> h.onUpdate(old, obj));
                }
                moveTo(obj.getMetadata().getResourceVersion());
            }
            case "DELETED" -> {
                T obj = transform.apply(store.definition().type().cast(e.object()));
                if (cache.remove(obj) != null) {
                    handlers.tell(h -> h.onDelete(obj));
                }
                moveTo(obj.getMetadata().getResourceVersion());
            }
            case "BOOKMARK" -> moveTo(((HasMetadata) e.object()).getMetadata().getResourceVersion());
            case "ERROR" -> {
                Status status = e.object() instanceof Status s ? s : new Status();
                String message = "the watch failed: " + status.getMessage();
                throw status.getCode() != null && status.getCode() == 410 ? new Expired(message)
                        : new WatchFailed(message);
            }
            default -> {
            }
        }
    }

    private void resync(long now) {
        nextResyncNanos = now + options.resync().toNanos();
        try {
            for (T obj : cache.list()) {
                handlers.tell(h -> h.onUpdate(obj, obj));
            }
        } finally {
            handlers.tell(EventHandler::onBatchEnd);
        }
    }

    private void moveTo(String resourceVersion) {
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            revision = resourceVersion;
            lastSyncResourceVersion = resourceVersion;
        }
    }

    /** Counts a failure and waits before the next attempt; false when interrupted (closing). */
    private boolean backOff(RuntimeException e) {
        failures++;
        long first = options.firstBackoff().toMillis();
        long wait = Math.min(options.maxBackoff().toMillis(), first << Math.min(failures - 1, 20));
        if (failures == 1) {
            LOG.info("informer {}: {}; listing again in {} ms", name, e.getMessage(), wait);
        } else {
            LOG.debug("informer {}: {} (failure {} in a row); listing again in {} ms", name, e.getMessage(),
                    failures, wait);
        }
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException ie) {
            return false;
        }
    }

    private long watchTimeoutNanos() {
        long timeout = options.watchTimeout().toNanos();
        return timeout + ThreadLocalRandom.current().nextLong(timeout);
    }

    private long pollMillis(long now, long deadline) {
        long millis = Math.min(MAX_POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - now));
        if (!options.resync().isZero()) {
            millis = Math.min(millis, TimeUnit.NANOSECONDS.toMillis(nextResyncNanos - now));
        }
        return Math.max(1, millis);
    }

    private static boolean sameVersion(HasMetadata a, HasMetadata b) {
        return Objects.equals(a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion());
    }

    /** The watch's revision was compacted away (410): list again at once. */
    private static final class Expired extends RuntimeException {
        Expired(String message) {
            super(message, null, false, false);
        }
    }

    /** The watch failed or ended at once: list again after a wait. */
    private static final class WatchFailed extends RuntimeException {
        WatchFailed(String message) {
            super(message, null, false, false);
        }
    }
}

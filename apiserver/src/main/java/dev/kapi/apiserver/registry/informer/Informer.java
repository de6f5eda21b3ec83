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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Follows one resource through its {@link Store} into an {@link InformerCache} and tells {@link EventHandler}s
 * of every change (kube's SharedInformer: reflector, cache and handlers), on a virtual thread of its own:
 *
 * <ol>
 * <li>It lists the resource at the current revision (while the watch cache primes: what it holds once primed)
 *     and makes the cache equal to the list, telling the differences (the first time, every object is added);
 *     after the first list it {@link #hasSynced}.
 * <li>It watches from the list's revision, with bookmarks, applying each event to the cache and telling it.
 * <li>When the watch ends (its {@link InformerOptions#watchTimeout}, a reader too slow, the resource no longer
 *     served) it watches again from the last revision it saw: nothing is told twice, nothing is lost.
 * <li>When that revision is gone (ERROR 410 Expired, after a compaction) it lists again at once; after any
 *     other failure (an ERROR, storage failing, a watch that ends at once) it waits (doubling, see
 *     {@link InformerOptions}) and lists again.
 * <li>Every {@link InformerOptions#resync} it tells every cached object again, as an update of itself.
 * </ol>
 *
 * <p>Example: {@code new Informer<>(configMaps, "example", InformerOptions.DEFAULTS)} with a handler added, then
 * {@code start()}: the handler is told ADD for each ConfigMap stored, then ADD, UPDATE and DELETE as they are
 * written, each once and in revision order, whatever happens to the watch meanwhile.
 *
 * <p>Handlers are added before {@link #start}. No lock is held while the informer calls storage or handlers;
 * the monitor of this object only guards starting and stopping its thread, which never takes it.
 */
public final class Informer<T extends HasMetadata> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);
    /** How long {@link #close()} waits for the thread to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(1);
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
    private final InformerCache<T> cache = new InformerCache<>();
    private final List<EventHandler<? super T>> handlers = new CopyOnWriteArrayList<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile boolean watching;
    private volatile boolean closed;
    private volatile StoreWatch<T> watch;
    private volatile String lastSyncResourceVersion = "";
    private Thread thread; // guarded by this

    // used by the informer's thread only
    private String revision = "";
    private long nextResyncNanos;
    private int failures;
    /** When the current watch opened (0: none yet in this attempt); only the informer's thread uses it. */
    private long watchOpenedNanos;

    /** Follows every object as stored, {@code metadata.managedFields} included. */
    public Informer(Store<T> store, String name, InformerOptions options) {
        this(store, name, options, null, null, true);
    }

    /**
     * @param transform applied to every object before it is cached and told (kube's {@code SetTransform}), to
     *                  keep only what the followers read; it must return a new object (the one it is given is
     *                  shared) that keeps the namespace, name and resourceVersion, and must not read
     *                  {@code metadata.managedFields}: a list hands it objects decoded without them (kube's
     *                  controllers drop them), only watch events still carry them
     */
    public Informer(Store<T> store, String name, InformerOptions options, UnaryOperator<T> transform) {
        this(store, name, options, null, transform);
    }

    /**
     * @param filter    which objects to follow (kube's field or label selector in {@code tweakListOptions}), or
     *                  null for all: the list and the watch are asked for those alone, so an object that stops
     *                  matching is told as deleted and one that starts matching as added
     * @param transform as above
     */
    public Informer(Store<T> store, String name, InformerOptions options, Predicate<T> filter,
                    UnaryOperator<T> transform) {
        this(store, name, options, filter, Objects.requireNonNull(transform, "transform"), false);
    }

    private Informer(Store<T> store, String name, InformerOptions options, Predicate<T> filter,
                     UnaryOperator<T> transform, boolean managedFields) {
        this.filter = filter;
        this.store = Objects.requireNonNull(store, "store");
        this.name = name + "/" + store.definition().resource();
        this.options = Objects.requireNonNull(options, "options");
        this.transform = transform != null ? transform : UnaryOperator.identity();
        this.lists = new InformerLists<>(store, this.name, filter, options.cacheWait(), managedFields);
    }

    /** Adds a handler; only before {@link #start}. */
    public synchronized void addHandler(EventHandler<? super T> handler) {
        if (thread != null) {
            throw new IllegalStateException("informer " + name + " already started");
        }
        handlers.add(Objects.requireNonNull(handler, "handler"));
    }

    /** Starts following (once; not after {@link #close}). */
    public synchronized void start() {
        if (thread == null && !closed) {
            thread = Thread.ofVirtual().name("informer-" + name).start(this::run);
        }
    }

    public String name() {
        return name;
    }

    /** The objects as the informer has them; readable from any thread without a lock. */
    public InformerCache<T> cache() {
        return cache;
    }

    /** True once the first list is in the cache and was told to every handler (and from then on). */
    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits until {@link #hasSynced}; false on timeout. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * True while the cache follows a live watch: from a successful list until a failure (an ERROR event,
     * storage failing), false again until the next list. A reader that must not trust a cache which may have
     * missed changes (a token check) reads the store itself while this is false.
     */
    public boolean isWatching() {
        return watching && !closed;
    }

    /** The revision the cache is known to be current at ("" before the first list). */
    public String lastSyncResourceVersion() {
        return lastSyncResourceVersion;
    }

    /** Stops following and waits for the thread at most {@link #STOP_WAIT}. */
    @Override
    public void close() {
        closeAll(List.of(this), STOP_WAIT);
    }

    /**
     * Stops every informer at once (its watch closed, its thread interrupted: a storage call or a poll it waits
     * in ends at once), then waits for their threads at most {@code wait} in all ({@link Duration#ZERO}: not at
     * all).
     */
    public static void closeAll(Collection<? extends Informer<?>> informers, Duration wait) {
        List<Thread> threads = new ArrayList<>();
        for (Informer<?> informer : informers) {
            Thread t = informer.stop();
            if (t != null) {
                threads.add(t);
            }
        }
        joinUntil(threads, System.nanoTime() + wait.toNanos());
    }

    /**
     * Waits for the threads to end until {@code deadlineNanos} ({@link System#nanoTime}) at the latest, for a
     * bounded close of informers and of the workers that read them; an interrupt ends the wait.
     */
    public static void joinUntil(Collection<Thread> threads, long deadlineNanos) {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the thread was started and has ended (for tests). */
    synchronized boolean stopped() {
        return thread != null && !thread.isAlive();
    }

    private Thread stop() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        StoreWatch<T> w = watch;
        if (w != null) {
            w.close();
        }
        if (t != null) {
            t.interrupt();
        }
        return t;
    }

    private void run() {
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
                    tell(h -> h.onAdd(obj));
                } else if (!sameVersion(old, obj)) {
                    tell(h -> h.onUpdate(old, obj));
                }
            }
            for (T old : cache.list()) {
                if (!listed.containsKey(InformerCache.key(old))) {
                    cache.remove(old);
                    tell(h -> h.onDelete(old));
                }
            }
        } finally {
            tell(EventHandler::onBatchEnd);
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
                        tell(EventHandler::onBatchEnd);
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
                    tell(h -> h.onAdd(obj));
                } else if (!sameVersion(old, obj)) {
                    tell(h -> h.onUpdate(old, obj));
                }
                moveTo(obj.getMetadata().getResourceVersion());
            }
            case "DELETED" -> {
                T obj = transform.apply(store.definition().type().cast(e.object()));
                if (cache.remove(obj) != null) {
                    tell(h -> h.onDelete(obj));
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
                tell(h -> h.onUpdate(obj, obj));
            }
        } finally {
            tell(EventHandler::onBatchEnd);
        }
    }

    private void moveTo(String resourceVersion) {
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            revision = resourceVersion;
            lastSyncResourceVersion = resourceVersion;
        }
    }

    private void tell(Consumer<EventHandler<? super T>> call) {
        for (EventHandler<? super T> h : handlers) {
            try {
                call.accept(h);
            } catch (RuntimeException e) {
                LOG.warn("informer {}: a handler failed: {}", name, e.toString(), e);
            }
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

package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * the monitor of this object only guards starting and stopping its thread, which never takes it. The loop itself
 * is the {@link Reflector}'s.
 */
public final class Informer<T extends HasMetadata> implements AutoCloseable {

    /** How long {@link #close()} waits for the thread to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(1);

    private final String name;
    private final InformerCache<T> cache = new InformerCache<>();
    private final InformerHandlers<T> handlers;
    private final CountDownLatch synced = new CountDownLatch(1);
    private final Reflector<T> reflector;
    private Thread thread; // guarded by this

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
        this.name = name + "/" + Objects.requireNonNull(store, "store").definition().resource();
        Objects.requireNonNull(options, "options");
        this.handlers = new InformerHandlers<>(this.name);
        this.reflector = new Reflector<>(store, this.name, options, filter,
                transform != null ? transform : UnaryOperator.identity(),
                new InformerLists<>(store, this.name, filter, options.cacheWait(), managedFields), cache, handlers,
                synced);
    }

    /** Adds a handler; only before {@link #start}. */
    public synchronized void addHandler(EventHandler<? super T> handler) {
        if (thread != null) {
            throw new IllegalStateException("informer " + name + " already started");
        }
        handlers.add(handler);
    }

    /** Starts following (once; not after {@link #close}). */
    public synchronized void start() {
        if (thread == null && !reflector.closed()) {
            thread = Thread.ofVirtual().name("informer-" + name).start(reflector::run);
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
        return reflector.isWatching();
    }

    /** The revision the cache is known to be current at ("" before the first list). */
    public String lastSyncResourceVersion() {
        return reflector.lastSyncResourceVersion();
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
            reflector.markClosed();
            t = thread;
        }
        reflector.closeWatch();
        if (t != null) {
            t.interrupt();
        }
        return t;
    }
}

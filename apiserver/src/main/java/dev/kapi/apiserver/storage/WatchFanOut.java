package dev.kapi.apiserver.storage;

import dev.kapi.apiserver.storage.StorageException.Code;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The in-process watch fan-out shared by every backend: the backend {@link #publish publishes} each change
 * once, in revision order, and it reaches the {@link WatchSubscription}s of its key and of each of its
 * {@code /}-ending prefixes, so dispatch costs a few map lookups per event however many watches are open.
 * {@code position} is the revision up to which every change has been published; a new subscription is
 * registered at that position under the dispatch lock, and the backend catches it up to there. One
 * daemon thread sends PROGRESS events to quiet watches.
 *
 * <p><b>Lock order</b> (storage's watch path takes locks only in this order, never backwards):
 * <ol>
 *   <li>the backend's write lock, when it publishes under it (SQLite's writer lock, for revision order);
 *   <li>the {@code dispatchLock}: publishing, moving the position, registering, progress ticks;
 *   <li>one {@link WatchSubscription}'s own lock: its state, its buffer, delivery to its listener;
 *   <li>whatever the {@link WatchListener} takes, which must be a leaf (see there).
 * </ol>
 * Nothing here calls a backend's client (jetcd, SQLite) while holding 2 or 3: {@code beforeJoin} and a
 * catch-up's stop action run under them and must not call the backend or wait (the etcd hub hands such
 * work to its own thread). {@link #close} takes 2 and then, released, each subscription's 3, never both
 * at once; a subscription's {@code close} takes only its own 3.
 */
public final class WatchFanOut implements AutoCloseable {

    private final String closedMessage;
    private final long progressNanos;
    /** Lock 2 of the order above; held only for in-memory work and delivery to listeners. */
    private final Object dispatchLock = new Object();
    private final Map<String, Set<WatchSubscription>> index = new ConcurrentHashMap<>();
    private final Set<WatchSubscription> progressSubscriptions = ConcurrentHashMap.newKeySet();
    /** Watches that asked for a prompt PROGRESS, answered at the next {@link #advance}. */
    private final Set<WatchSubscription> progressRequested = ConcurrentHashMap.newKeySet();
    /** Live watches whose last change said more of its revision would follow ({@link WatchEvent#moreAtRevision}). */
    private final Set<WatchSubscription> openRevisions = ConcurrentHashMap.newKeySet();
    /** Asks the source for a progress notification; null when the position is always current. */
    private volatile Runnable progressSource;
    private final ScheduledExecutorService ticker;
    private final boolean ownsTicker;
    private final ScheduledFuture<?> ticks;
    private long position;
    private boolean closed;

    /**
     * A fan-out at {@code position} whose progress thread is {@code threadName} and ticks every fifth of
     * {@code progressInterval} (at least every {@code minTickMillis}); {@code closedMessage} is the error
     * of a watch opened after {@link #close}.
     */
    public WatchFanOut(String threadName, Duration progressInterval, long minTickMillis, String closedMessage,
                       long position) {
        this(Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory()), true,
                progressInterval, minTickMillis, closedMessage, position);
    }

    /**
     * The same, ticking on a {@code ticker} shared with other fan-outs (e.g. every resource's watch cache),
     * which {@link #close} leaves running.
     */
    public WatchFanOut(ScheduledExecutorService ticker, Duration progressInterval, long minTickMillis,
                       String closedMessage, long position) {
        this(ticker, false, progressInterval, minTickMillis, closedMessage, position);
    }

    private WatchFanOut(ScheduledExecutorService ticker, boolean ownsTicker, Duration progressInterval,
                        long minTickMillis, String closedMessage, long position) {
        this.closedMessage = closedMessage;
        this.progressNanos = progressInterval.toNanos();
        this.position = position;
        this.ticker = ticker;
        this.ownsTicker = ownsTicker;
        long tick = Math.max(minTickMillis, progressInterval.toMillis() / 5);
        this.ticks = ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers a watch from {@code from} at the current position (its join revision): live right away
     * when {@code from} is at or past it, otherwise catching up, which the caller then drives.
     * {@code beforeJoin} runs under the dispatch lock just before the position is read; it may check state
     * or throw, never call the backend or wait.
     */
    public WatchSubscription register(String prefixOrKey, long from, boolean progressNotify, WatchListener listener,
                                      Runnable beforeJoin) {
        if (prefixOrKey == null || prefixOrKey.isEmpty()) {
            throw new IllegalArgumentException("a watch needs a prefix ending in / or a key");
        }
        WatchSubscription subscription = new WatchSubscription(this, prefixOrKey, progressNotify, listener);
        synchronized (dispatchLock) {
            if (closed) {
                throw new StorageException(Code.INTERNAL, prefixOrKey, closedMessage);
            }
            beforeJoin.run();
            long join = position;
            subscription.registered(from, join, from > 0 && from >= join);
            index.compute(prefixOrKey, (k, set) -> {
                Set<WatchSubscription> subscriptions = set == null ? ConcurrentHashMap.newKeySet() : set;
                subscriptions.add(subscription);
                return subscriptions;
            });
            if (subscription.progressNotify) {
                progressSubscriptions.add(subscription);
            }
        }
        return subscription;
    }

    /**
     * The lock under which changes are published, the position moves and watches register; a backend
     * holds it to publish a batch atomically or to move the position together with its own state.
     */
    public Object dispatchLock() {
        return dispatchLock;
    }

    /** A change: dispatch it to the watches of its key and of each of its prefixes, and advance to it. */
    public void publish(WatchEvent event) {
        synchronized (dispatchLock) {
            String key = event.current().key();
            offer(key, event);
            for (int i = key.indexOf('/'); i >= 0 && i < key.length() - 1; i = key.indexOf('/', i + 1)) {
                offer(key.substring(0, i + 1), event);
            }
            position = Math.max(position, event.revision());
        }
    }

    /**
     * Everything up to {@code revision} has been published (e.g. a progress notification of the source);
     * watches that {@link WatchSubscription#requestProgress asked for progress} receive it now.
     */
    public void advance(long revision) {
        advance(revision, false);
    }

    /**
     * {@link #advance}; with {@code keepAsking} the watches that asked are told the position but go on asking (a
     * source that expects a later answer to pass what they wait for, which it gives with another advance).
     */
    public void advance(long revision, boolean keepAsking) {
        synchronized (dispatchLock) {
            position = Math.max(position, revision);
            if (!progressRequested.isEmpty()) {
                for (WatchSubscription subscription : progressRequested) {
                    subscription.progressNow(position);
                }
                if (!keepAsking) {
                    progressRequested.clear();
                }
            }
        }
    }

    /**
     * How to ask the source for a progress notification (the etcd hub: a progress request on its stream),
     * after which the source calls {@link #advance}. Without one (the default) the position is taken to be
     * the store's current revision and a request is answered at once. {@code source} runs holding no lock
     * of this fan-out and must not wait.
     */
    public void progressSource(Runnable source) {
        this.progressSource = source;
    }

    /** A watch asks for prompt progress (never called holding a subscription's lock). */
    void requestProgress(WatchSubscription subscription) {
        Runnable source = progressSource;
        synchronized (dispatchLock) {
            if (closed) {
                return;
            }
            if (source == null) {
                subscription.progressNow(position);
                return;
            }
            progressRequested.add(subscription);
        }
        source.run();
    }

    /** The revision up to which every change has been published. */
    public long position() {
        synchronized (dispatchLock) {
            return position;
        }
    }

    /** Sets the position (e.g. when the source restarts; 0 = unknown). */
    public void moveTo(long revision) {
        synchronized (dispatchLock) {
            position = revision;
        }
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        synchronized (dispatchLock) {
            return closed;
        }
    }

    /** Every open watch. */
    public List<WatchSubscription> subscriptions() {
        return index.values().stream().flatMap(Set::stream).toList();
    }

    /** How many watches are open (for tests and metrics). */
    public int size() {
        return index.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * The source has published every change of each revision so far (it calls this under the dispatch lock after
     * a whole etcd response): a watch whose last change said more of its revision would follow, the rest being
     * outside its keys, hears progress at that revision, so that a consumer holding the revision back (the watch
     * cache) takes it as whole now rather than at the next change or tick.
     */
    public void revisionsEnded() {
        if (openRevisions.isEmpty()) {
            return;
        }
        synchronized (dispatchLock) {
            for (var it = openRevisions.iterator(); it.hasNext(); ) {
                WatchSubscription subscription = it.next();
                it.remove();
                subscription.revisionEnded();
            }
        }
    }

    /** A live watch delivered a change that more of its revision may follow (see {@link #revisionsEnded}). */
    void revisionOpened(WatchSubscription subscription) {
        openRevisions.add(subscription);
    }

    void remove(WatchSubscription subscription) {
        openRevisions.remove(subscription);
        progressSubscriptions.remove(subscription);
        progressRequested.remove(subscription);
        index.computeIfPresent(subscription.prefixOrKey(), (k, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    private void offer(String prefixOrKey, WatchEvent event) {
        Set<WatchSubscription> subscriptions = index.get(prefixOrKey);
        if (subscriptions != null) {
            for (WatchSubscription subscription : subscriptions) {
                subscription.offer(event);
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        synchronized (dispatchLock) {
            for (WatchSubscription subscription : progressSubscriptions) {
                subscription.tick(position, now, progressNanos);
            }
        }
    }

    /** Refuses new watches, closes every open one and stops the progress thread. */
    @Override
    public void close() {
        List<WatchSubscription> all;
        synchronized (dispatchLock) {
            closed = true;
            all = subscriptions();
        }
        all.forEach(WatchSubscription::close);
        ticks.cancel(false);
        if (ownsTicker) {
            ticker.shutdownNow();
        }
    }
}

package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.IndexMatch;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListPaging;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The watch cache's memory: every object under the prefix once, as the backend's {@link KeyValue}, in a
 * sorted map (a namespace is a key range), the {@link EventHistory} of recent changes referring to the same
 * instances, the {@link Indexes}, and the revision up to which every change was applied. Changes are
 * published to the cache's own {@link WatchFanOut} as they are applied.
 *
 * <p><b>Locks</b>, in this order only: the backend's (held while it calls the reflector's listener, which
 * calls {@link #apply}), this cache's write lock (changes) or read lock (a consistent list, a watch's
 * registration), then the fan-out's (see {@link WatchFanOut}), then {@code revisionWait} (a leaf). Nothing
 * holding one of them calls the backend. A get needs no lock: the map is concurrent and any value it holds
 * is at least as new as the revision read before it.
 *
 * <p>Example: primed with {@code reset([a@5, b@7], 9)} the cache is at 9; {@code apply(MODIFIED a@12)}
 * moves it to 12, replaces a, appends the event to the history and publishes it; a list then answers
 * {@code [a@12, b@7]} at revision 12.
 */
final class WatchCache {

    private final String prefix;
    private final CacherOptions options;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final EventHistory history;
    private final WatchFanOut fanOut;
    private final Object revisionWait = new Object();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile ConcurrentSkipListMap<String, KeyValue> objects = new ConcurrentSkipListMap<>();
    private volatile long revision;
    private volatile boolean ready;
    private volatile long generation;
    private Indexes indexes;
    private int count;
    private long bytes;
    private long eventsReceived;
    /** Changes of one revision still waiting for the rest of it (see {@link #apply}); guarded by the write lock. */
    private final List<WatchEvent> pending = new ArrayList<>();

    WatchCache(String prefix, CacherOptions options, WatchFanOut fanOut) {
        this.prefix = prefix;
        this.options = options;
        this.fanOut = fanOut;
        this.history = new EventHistory(options.historyMin(), options.historyMax(),
                options.eventFreshDuration().toNanos());
        this.indexes = new Indexes(options.indexers());
    }

    /** Replaces the state with a fresh list read at {@code listRevision} (not ready until {@link #markReady}). */
    void reset(List<KeyValue> entries, long listRevision) {
        ConcurrentSkipListMap<String, KeyValue> fresh = new ConcurrentSkipListMap<>();
        Indexes freshIndexes = new Indexes(options.indexers());
        long freshBytes = 0;
        for (KeyValue kv : entries) {
            fresh.put(kv.key(), kv);
            freshIndexes.put(kv.key(), kv);
            freshBytes += kv.value().length;
        }
        lock.writeLock().lock();
        try {
            objects = fresh;
            indexes = freshIndexes;
            count = fresh.size();
            bytes = freshBytes;
            history.reset(listRevision);
            pending.clear();
            revision = listRevision;
            fanOut.moveTo(listRevision);
        } finally {
            lock.writeLock().unlock();
        }
        wakeWaiters();
    }

    /** How many times the cache failed: {@link #markReady} of a priming that a failure overtook does nothing. */
    long generation() {
        return generation;
    }

    /** Ready again after the priming of {@code primedGeneration}, unless the cache failed since. */
    void markReady(long primedGeneration) {
        lock.writeLock().lock();
        try {
            if (generation == primedGeneration) {
                ready = true;
            }
        } finally {
            lock.writeLock().unlock();
        }
        wakeWaiters();
    }

    /** Waits until the cache is ready or {@code deadlineNanos} passed; true when ready. */
    boolean awaitReady(long deadlineNanos) throws InterruptedException {
        return awaitUntil(() -> ready, deadlineNanos);
    }

    /**
     * The backend's watch failed: not ready until primed again, and every cacher watch ends with
     * {@code error} (its client watches again, from the backend until the cache is back).
     */
    void fail(StorageException error) {
        List<WatchSubscription> open;
        lock.writeLock().lock();
        try {
            ready = false;
            generation++;
            open = fanOut.subscriptions();
        } finally {
            lock.writeLock().unlock();
        }
        open.forEach(subscription -> subscription.fail(error));
    }

    /**
     * A change from the backend's watch (revision order); called with the backend's locks held. A change that
     * more of its revision follow ({@link WatchEvent#moreAtRevision}: one etcd transaction of several keys) waits
     * for them, so that the revision is applied whole: a consistent read never sees part of it.
     */
    void apply(WatchEvent event) {
        lock.writeLock().lock();
        try {
            if (event.revision() <= revision) {
                return;
            }
            if (!pending.isEmpty() && pending.getFirst().revision() != event.revision()) {
                applyPending(); // the rest of that revision was outside this cache's prefix
                if (event.revision() <= revision) {
                    return;
                }
            }
            if (event.moreAtRevision()) {
                pending.add(event);
                return;
            }
            if (pending.isEmpty()) { // the usual case: a revision of one change
                applyOne(event);
                revision = event.revision();
            } else {
                pending.add(event);
                applyPending();
            }
        } finally {
            lock.writeLock().unlock();
        }
        wakeWaiters();
    }

    /** Applies the changes of one revision, publishing them in one hold of the fan-out's lock (write lock held). */
    private void applyPending() {
        try {
            synchronized (fanOut.dispatchLock()) {
                for (WatchEvent event : pending) {
                    applyOne(event);
                }
            }
            revision = pending.getLast().revision();
        } finally {
            pending.clear();
        }
    }

    private void applyOne(WatchEvent event) {
        String key = event.current().key();
        ConcurrentSkipListMap<String, KeyValue> map = objects;
        KeyValue old = map.get(key);
        KeyValue previous = old != null ? old : event.previous();
        WatchEvent stored;
        if (event.type() == Type.DELETED) {
            KeyValue last = previous != null ? previous : event.current();
            stored = new WatchEvent(Type.DELETED,
                    new KeyValue(key, last.value(), last.createRevision(), event.revision()), previous,
                    event.revision(), null);
            map.remove(key);
            indexes.remove(key);
        } else {
            KeyValue current = event.current();
            stored = new WatchEvent(event.type(), current, previous, event.revision(), null);
            map.put(key, current);
            indexes.put(key, current);
            count++;
            bytes += current.value().length;
        }
        if (old != null) {
            count--;
            bytes -= old.value().length;
        }
        eventsReceived++;
        history.add(stored, System.nanoTime());
        fanOut.publish(stored);
    }

    /** Every change up to {@code progress} was delivered (a PROGRESS of the backend's watch). */
    void progress(long progress) {
        lock.writeLock().lock();
        try {
            if (!pending.isEmpty()) {
                applyPending(); // every change up to the progress arrived: the rest was outside the prefix
            }
            if (progress > revision) {
                revision = progress;
                fanOut.advance(progress);
            }
        } finally {
            lock.writeLock().unlock();
        }
        wakeWaiters();
    }

    boolean ready() {
        return ready;
    }

    long revision() {
        return revision;
    }

    /** The current object under {@code key}, or null. */
    KeyValue get(String key) {
        return objects.get(key);
    }

    /**
     * A consistent page of the objects under {@code listPrefix} (ending in {@code /}) at the cache's revision:
     * the first {@code limit} (0 = all), only those matching {@code index} when indexed, with a continue
     * token and the remaining count when more follow.
     */
    ListResult list(String listPrefix, long limit, IndexMatch index) {
        String end = listPrefix.substring(0, listPrefix.length() - 1) + (char) ('/' + 1);
        lock.readLock().lock();
        try {
            ConcurrentSkipListMap<String, KeyValue> map = objects;
            Iterator<KeyValue> entries;
            int expected;
            boolean whole = false;
            if (index != null && indexes.has(index.field())) {
                NavigableSet<String> keys = indexes.keys(index.field(), index.value())
                        .subSet(listPrefix, true, end, false);
                Iterator<String> it = keys.iterator();
                entries = new Iterator<>() {
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    public KeyValue next() {
                        return map.get(it.next());
                    }
                };
                expected = 16;
            } else {
                entries = map.subMap(listPrefix, true, end, false).values().iterator();
                whole = listPrefix.equals(prefix);
                expected = whole ? count : 16;
            }
            List<KeyValue> items = new ArrayList<>(limit > 0 ? (int) Math.min(limit, expected) : expected);
            while (entries.hasNext() && (limit <= 0 || items.size() < limit)) {
                items.add(entries.next());
            }
            boolean more = entries.hasNext();
            long remaining = 0;
            if (more && whole) {
                remaining = count - items.size(); // every object is under the prefix: no walk while writes wait
            } else {
                for (; entries.hasNext(); entries.next()) {
                    remaining++;
                }
            }
            return ListPaging.page(listPrefix, items, revision, more, remaining);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Waits until the cache has reached {@code target} or {@code deadlineNanos} passed; true when reached. */
    boolean awaitRevision(long target, long deadlineNanos) throws InterruptedException {
        return awaitUntil(() -> revision >= target, deadlineNanos);
    }

    /** Waits, woken by each change of revision or readiness, until {@code reached} holds or the deadline passed. */
    private boolean awaitUntil(BooleanSupplier reached, long deadlineNanos) throws InterruptedException {
        if (reached.getAsBoolean()) {
            return true;
        }
        waiting.incrementAndGet();
        try {
            synchronized (revisionWait) {
                while (!reached.getAsBoolean()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(revisionWait, left);
                }
                return true;
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    private void wakeWaiters() {
        if (waiting.get() > 0) {
            synchronized (revisionWait) {
                revisionWait.notifyAll();
            }
        }
    }

    /** The read lock, for a watch registering against a stable state (see {@link CacheWatches}). */
    ReentrantReadWriteLock.ReadLock readLock() {
        return lock.readLock();
    }

    /** Under the read lock: the current objects under a prefix (ending in /) or the one object of a key. */
    List<KeyValue> currentUnder(String prefixOrKey) {
        if (!prefixOrKey.endsWith("/")) {
            KeyValue kv = objects.get(prefixOrKey);
            return kv == null ? List.of() : List.of(kv);
        }
        String end = prefixOrKey.substring(0, prefixOrKey.length() - 1) + (char) ('/' + 1);
        return new ArrayList<>(objects.subMap(prefixOrKey, true, end, false).values());
    }

    /** Under the read lock: the history, for a watch to catch up from. */
    EventHistory history() {
        return history;
    }

    WatchFanOut fanOut() {
        return fanOut;
    }

    /** The cache's part of {@link CacheStats}. */
    CacheStats stats(String resource, long fromCache, long fallback, long initializations, long waitNanos) {
        lock.readLock().lock();
        try {
            return new CacheStats(resource, ready, revision, count, bytes, history.size(), history.capacity(),
                    fromCache, fallback, eventsReceived, initializations, fanOut.size(), waitNanos / 1e9);
        } finally {
            lock.readLock().unlock();
        }
    }
}

package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through decorator in front of a real backend, for the cacher's tests: it counts the reads and revision
 * checks that reach the backend, can make each revision check slow (an etcd round trip), can hold back what
 * its watches deliver (a stalled watch) and let it through one event at a time (a watch catching up), can say
 * its progress answers are not to be trusted (etcd before 3.4.31), and can end its watches with an ERROR (a
 * failed watch).
 */
final class GatedStorage extends ForwardingStorage {

    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    final AtomicInteger revisionChecks = new AtomicInteger();
    volatile long revisionDelayMillis;
    /** What {@link #answersProgressRequests} says (the backend's own answer unless set). */
    volatile Boolean confirmsProgress;
    private final Set<Gate> gates = ConcurrentHashMap.newKeySet();

    GatedStorage(Storage delegate) {
        super(delegate);
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        gets.incrementAndGet();
        return delegate.get(key, options);
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        lists.incrementAndGet();
        return delegate.list(prefix, options);
    }

    @Override
    public long currentRevision() {
        revisionChecks.incrementAndGet();
        if (revisionDelayMillis > 0) {
            try {
                Thread.sleep(revisionDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return delegate.currentRevision();
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        watches.incrementAndGet();
        Gate gate = new Gate(listener);
        gates.add(gate);
        WatchHandle handle = delegate.watch(prefixOrKey, options, gate);
        return new WatchHandle() {
            @Override
            public void requestProgress() {
                handle.requestProgress();
            }

            @Override
            public void close() {
                gates.remove(gate);
                handle.close();
            }
        };
    }

    @Override
    public boolean answersProgressRequests() {
        Boolean confirms = confirmsProgress;
        return confirms != null ? confirms : delegate.answersProgressRequests();
    }

    void resetCounts() {
        gets.set(0);
        lists.set(0);
        watches.set(0);
        revisionChecks.set(0);
    }

    /** Holds back every event of the open watches until {@link #resume}. */
    void stall() {
        gates.forEach(gate -> gate.stall(true));
    }

    /** Delivers what was held back, then lets events through again. */
    void resume() {
        gates.forEach(gate -> gate.stall(false));
    }

    /** Delivers the oldest event held back (the watches stay stalled); false when none was held. */
    boolean releaseOne() {
        boolean released = false;
        for (Gate gate : gates) {
            released |= gate.releaseOne();
        }
        return released;
    }

    /** Ends every open watch with an ERROR of {@code code}. */
    void failWatches(StorageException.Code code) {
        // a snapshot: the failed watch's cache re-primes at once, and its new watch must not fail as well
        List.copyOf(gates).forEach(gate -> gate.onEvent(
                WatchEvent.error(new StorageException(code, null, "injected failure"))));
    }

    private static final class Gate implements WatchListener {

        private final WatchListener listener;
        private final List<WatchEvent> held = new ArrayList<>();
        private boolean stalled;

        Gate(WatchListener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized void onEvent(WatchEvent event) {
            if (stalled) {
                held.add(event);
            } else {
                listener.onEvent(event);
            }
        }

        synchronized boolean releaseOne() {
            if (held.isEmpty()) {
                return false;
            }
            listener.onEvent(held.removeFirst());
            return true;
        }

        synchronized void stall(boolean stall) {
            stalled = stall;
            if (!stall) {
                held.forEach(listener::onEvent);
                held.clear();
            }
        }
    }
}

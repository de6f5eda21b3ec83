package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.util.List;

/**
 * Serves watches from a {@link WatchCache}: a watch registers on the cache's fan-out at the cache's revision
 * (its join revision), catches up from memory (the current objects as ADDED for a watch from 0, or the
 * history after its revision) and goes live. A watch the cache cannot serve (not ready, or older than the
 * history's window) is answered null, and the {@link Cacher} opens it on the backend instead.
 *
 * <p>Example: the cache at 130 holding history after 100: a watch from 120 receives the events 121..130 from
 * the history, then live events; a watch from 90 is the backend's (its replay of etcd's history, or EXPIRED
 * when compacted); a watch from 0 receives every object as ADDED at 130, then live events.
 */
final class CacheWatches {

    private final WatchCache cache;

    CacheWatches(WatchCache cache) {
        this.cache = cache;
    }

    /** The watch served from memory, or null when the cache cannot serve it. */
    WatchSubscription watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        long from = Math.max(0, options.fromRevision());
        List<KeyValue> initial = null;
        List<WatchEvent> past = null;
        WatchSubscription subscription;
        cache.readLock().lock();
        try {
            if (!cache.ready() || from > 0 && from < cache.history().startRevision()) {
                return null;
            }
            if (from == 0) {
                initial = cache.currentUnder(prefixOrKey);
            } else {
                past = cache.history().after(from, prefixOrKey);
            }
            // the fan-out's position is the cache's revision while the read lock is held
            subscription = cache.fanOut().register(prefixOrKey, from, options.progressNotify(), listener, () -> { });
        } finally {
            cache.readLock().unlock();
        }
        if (initial != null) {
            initial.forEach(subscription::offerInitial);
        } else {
            past.forEach(subscription::offerHistory);
        }
        subscription.joinLive();
        return subscription;
    }
}

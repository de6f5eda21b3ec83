package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * All watches of one {@link SqliteStorage}, fed in-process: after each commit the writer hands the
 * appended rows to {@link #publish} (in revision order, under the writer lock), and they are fanned out
 * by key: a subscriber is found by looking up the row's key and each of its {@code /}-ending prefixes.
 * {@code position} is the revision up to which every row has been published; a new subscriber is
 * registered at that position under the dispatch lock and catches up to it on a catch-up thread (see
 * {@link SqliteWatchReplay}), its live events buffered meanwhile. One daemon thread sends PROGRESS
 * events to quiet watches.
 */
final class SqliteWatchHub implements AutoCloseable {

    private final SqliteConnections db;
    private final long progressNanos;
    private final Object dispatchLock = new Object();
    private final Map<String, Set<SqliteWatchSubscriber>> index = new ConcurrentHashMap<>();
    private final Set<SqliteWatchSubscriber> progressSubscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final ExecutorService catchUp;
    private long position;
    private boolean closed;

    SqliteWatchHub(SqliteConnections db, long position, Duration progressInterval) {
        this.db = db;
        this.position = position;
        this.progressNanos = progressInterval.toNanos();
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("sqlite-watch-progress"));
        this.catchUp = Executors.newCachedThreadPool(daemon("sqlite-watch-catch-up"));
        long tick = Math.max(50, progressInterval.toMillis() / 5);
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        if (prefixOrKey == null || prefixOrKey.isEmpty()) {
            throw new IllegalArgumentException("a watch needs a prefix ending in / or a key");
        }
        SqliteWatchSubscriber subscriber =
                new SqliteWatchSubscriber(this, prefixOrKey, options.progressNotify(), listener);
        long from = Math.max(0, options.fromRevision());
        long join;
        synchronized (dispatchLock) {
            if (closed) {
                throw new StorageException(Code.INTERNAL, prefixOrKey, "sqlite storage is closed");
            }
            join = position;
            subscriber.registered(from, join, from > 0 && from >= join);
            index.compute(prefixOrKey, (k, set) -> {
                Set<SqliteWatchSubscriber> subscribers = set == null ? ConcurrentHashMap.newKeySet() : set;
                subscribers.add(subscriber);
                return subscribers;
            });
            if (subscriber.progressNotify) {
                progressSubscribers.add(subscriber);
            }
        }
        if (from == 0 || from < join) {
            catchUp.execute(() -> catchUp(subscriber, from, join));
        }
        return subscriber;
    }

    private void catchUp(SqliteWatchSubscriber subscriber, long from, long join) {
        try {
            if (from == 0) {
                SqliteWatchReplay.initialState(db, subscriber, join);
            } else {
                SqliteWatchReplay.history(db, subscriber, from, join);
            }
            subscriber.joinLive();
        } catch (StorageException e) {
            subscriber.fail(e);
        } catch (RuntimeException e) {
            subscriber.fail(new StorageException(Code.INTERNAL, subscriber.prefixOrKey, e.toString(), e));
        }
    }

    /** A committed row: dispatch it to the watches of its key and of each of its prefixes. */
    void publish(LogRow row) {
        synchronized (dispatchLock) {
            WatchEvent event = row.event();
            String key = row.name();
            offer(key, event);
            for (int i = key.indexOf('/'); i >= 0 && i < key.length() - 1; i = key.indexOf('/', i + 1)) {
                offer(key.substring(0, i + 1), event);
            }
            position = Math.max(position, row.id());
        }
    }

    private void offer(String prefixOrKey, WatchEvent event) {
        Set<SqliteWatchSubscriber> subscribers = index.get(prefixOrKey);
        if (subscribers != null) {
            for (SqliteWatchSubscriber subscriber : subscribers) {
                subscriber.offer(event);
            }
        }
    }

    void remove(SqliteWatchSubscriber subscriber) {
        progressSubscribers.remove(subscriber);
        index.computeIfPresent(subscriber.prefixOrKey, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many watches are open (for tests and metrics). */
    int size() {
        return index.values().stream().mapToInt(Set::size).sum();
    }

    private void tick() {
        long now = System.nanoTime();
        synchronized (dispatchLock) {
            for (SqliteWatchSubscriber subscriber : progressSubscribers) {
                subscriber.tick(position, now, progressNanos);
            }
        }
    }

    @Override
    public void close() {
        List<SqliteWatchSubscriber> all;
        synchronized (dispatchLock) {
            closed = true;
            all = index.values().stream().flatMap(Set::stream).toList();
        }
        all.forEach(SqliteWatchSubscriber::close);
        ticker.shutdownNow();
        catchUp.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}

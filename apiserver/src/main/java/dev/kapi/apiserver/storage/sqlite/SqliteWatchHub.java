package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * All watches of one {@link SqliteStorage}, fed in-process: after each commit the writer hands the
 * appended rows to {@link #publish} (in revision order, under the writer lock), which passes them to a
 * {@link WatchFanOut}. A new watch catches up to the fan-out's position on a catch-up thread (see
 * {@link SqliteWatchReplay}), its live events buffered meanwhile.
 */
final class SqliteWatchHub implements AutoCloseable {

    private final SqliteConnections db;
    private final WatchFanOut fanOut;
    private final ExecutorService catchUp;

    SqliteWatchHub(SqliteConnections db, long position, Duration progressInterval) {
        this.db = db;
        this.fanOut = new WatchFanOut("sqlite-watch-progress", progressInterval, 50, "sqlite storage is closed",
                position);
        this.catchUp = Executors.newCachedThreadPool(
                Thread.ofPlatform().name("sqlite-watch-catch-up").daemon().factory());
    }

    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        long from = Math.max(0, options.fromRevision());
        WatchSubscription subscription =
                fanOut.register(prefixOrKey, from, options.progressNotify(), listener, () -> { });
        long join = subscription.joinRevision();
        if (from == 0 || from < join) {
            try {
                catchUp.execute(() -> catchUp(subscription, from, join));
            } catch (RejectedExecutionException e) {
                // closed between the registration and here: the watch ends as every other one did at close
                subscription.fail(new StorageException(Code.INTERNAL, prefixOrKey, "sqlite storage is closed"));
            }
        }
        return subscription;
    }

    private void catchUp(WatchSubscription subscription, long from, long join) {
        try {
            if (from == 0) {
                SqliteWatchReplay.initialState(db, subscription, join);
            } else {
                SqliteWatchReplay.history(db, subscription, from, join);
            }
            subscription.joinLive();
        } catch (StorageException e) {
            subscription.fail(e);
        } catch (RuntimeException e) {
            subscription.fail(new StorageException(Code.INTERNAL, subscription.prefixOrKey(), e.toString(), e));
        }
    }

    /** A committed row: dispatch it to the watches of its key and of each of its prefixes. */
    void publish(LogRow row) {
        fanOut.publish(row.event());
    }

    /** How many watches are open (for tests and metrics). */
    int size() {
        return fanOut.size();
    }

    @Override
    public void close() {
        fanOut.close();
        catchUp.shutdownNow();
    }
}

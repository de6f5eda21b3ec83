package dev.kapi.apiserver.storage.sqlite;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compacts on a schedule like kine: every {@code interval}, everything older than the newest
 * {@code retainRevisions} revisions. One daemon thread.
 */
final class SqliteCompactor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SqliteCompactor.class.getName());

    private final SqliteConnections db;
    private final LongSupplier currentRevision;
    private final long retainRevisions;
    private final ScheduledExecutorService timer;

    SqliteCompactor(SqliteConnections db, LongSupplier currentRevision, Duration interval, long retainRevisions) {
        this.db = db;
        this.currentRevision = currentRevision;
        this.retainRevisions = retainRevisions;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sqlite-compactor").daemon().factory());
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::run, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Revisions compacted per transaction. */
    static final long STEP = 10_000;

    private void run() {
        long target = currentRevision.getAsLong() - retainRevisions;
        if (target <= 0 || db.isClosed()) {
            return;
        }
        try {
            // in steps of STEP revisions: each step is a short transaction, so the WAL stays small and
            // writers wait for one step only (one transaction over 300,000 rows grew the WAL to 240 MB)
            long compacted = db.read("", c -> SqliteSchema.marks(c).compacted());
            for (long step = compacted + STEP; step < target && !db.isClosed(); step += STEP) {
                SqliteCompact.compact(db, step);
            }
            SqliteCompact.compact(db, target);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "scheduled sqlite compaction to " + target + " failed", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

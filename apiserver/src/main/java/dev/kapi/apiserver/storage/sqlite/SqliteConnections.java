package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The connections to one database file: a single writer (SQLite admits one writer at a time) guarded by a
 * lock, and a small pool of readers. Every read runs in its own read transaction, so it sees one
 * snapshot; every write runs in {@code BEGIN IMMEDIATE ... COMMIT} under the writer lock, and the rows it
 * appended are handed to {@code onCommit} after the commit, still under the lock, hence in revision order.
 */
final class SqliteConnections implements AutoCloseable {

    /** Work on a connection inside a transaction. */
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work inside a write transaction. */
    interface WriteWork<T> {
        T run(WriteTransaction transaction) throws SQLException;
    }

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** How long {@link #close} waits, in all, for readers in use to come back before closing them anyway. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    private static final long BORROW_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Connection writer;
    /**
     * Guards the writer connection; lock 1 of the watch path's order (see {@code WatchFanOut}): held while
     * calling SQLite, which calls nothing of ours back, and while {@code onCommit} publishes to watches,
     * which takes the fan-out's locks after it. Nothing that holds a fan-out or subscription lock ever
     * writes, and reads never take it (they wait only for a free reader, holding no lock).
     */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Connection> readers;
    private final BlockingQueue<Connection> idleReaders;
    private final Consumer<LogRow> onCommit;
    private final DiskSpace space = new DiskSpace();
    private volatile boolean closed;

    private SqliteConnections(Connection writer, List<Connection> readers, Consumer<LogRow> onCommit) {
        this.writer = writer;
        this.readers = readers;
        this.idleReaders = new ArrayBlockingQueue<>(readers.size(), false, readers);
        this.onCommit = onCommit;
    }

    /**
     * Opens the writer, checks the file (SQLite's quick check) and prepares the schema, then opens
     * {@code readerCount} readers on {@code file}. A file that is not a SQLite database or fails the check
     * is refused with a message that says so.
     */
    static SqliteConnections open(Path file, int readerCount, Consumer<LogRow> onCommit) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        List<Connection> opened = new ArrayList<>();
        try {
            Connection writer = connect(url);
            opened.add(writer);
            String problem = SqliteSchema.quickCheck(writer);
            if (problem != null) {
                throw corrupt(file, problem, null);
            }
            SqliteSchema.prepare(writer);
            List<Connection> readers = new ArrayList<>();
            for (int i = 0; i < Math.max(1, readerCount); i++) {
                Connection reader = connect(url);
                opened.add(reader);
                readers.add(reader);
            }
            return new SqliteConnections(writer, readers, onCommit);
        } catch (SQLException e) {
            opened.forEach(SqliteConnections::closeQuietly);
            throw openFailure(file, e);
        } catch (RuntimeException e) {
            opened.forEach(SqliteConnections::closeQuietly);
            throw e;
        }
    }

    /** Why {@code file} cannot be opened, in words an operator can act on. */
    private static StorageException openFailure(Path file, SQLException e) {
        SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
        if (code == SQLiteErrorCode.SQLITE_NOTADB) {
            return new StorageException(Code.INTERNAL, null, "the embedded store " + file
                    + " is not a SQLite database (file is not a database): restore it from a backup or move it away", e);
        }
        if (code != null && code.name().startsWith("SQLITE_CORRUPT")) {
            return corrupt(file, e.getMessage(), e);
        }
        return new StorageException(Code.INTERNAL, null, "cannot open the embedded store " + file + ": "
                + e.getMessage(), e);
    }

    private static StorageException corrupt(Path file, String problem, Throwable cause) {
        return new StorageException(Code.INTERNAL, null, "the embedded store " + file
                + " is corrupt (SQLite quick_check: " + problem + "): restore it from a backup or move it away", cause);
    }

    private static Connection connect(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection(url);
    }

    /** Runs {@code work} in a read transaction (one consistent snapshot) on a pooled reader. */
    <T> T read(String key, SqlWork<T> work) {
        Connection c = borrow(key);
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN");
            try {
                return work.run(c);
            } finally {
                endQuietly(s, "COMMIT");
            }
        } catch (SQLException e) {
            throw translate(e, key);
        } finally {
            idleReaders.add(c);
        }
    }

    /**
     * Runs {@code work} in {@code BEGIN IMMEDIATE} under the writer lock and commits; an exception rolls
     * back. After the commit the appended rows go to {@code onCommit}, in order, before the lock is released.
     */
    <T> T write(String key, WriteWork<T> work) {
        writeLock.lock();
        try {
            ensureOpen(key);
            WriteTransaction transaction = new WriteTransaction(writer);
            T result;
            try (Statement s = writer.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    result = work.run(transaction);
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    endQuietly(s, "ROLLBACK");
                    throw e;
                }
            }
            space.written();
            transaction.appended().forEach(onCommit);
            return result;
        } catch (SQLException e) {
            StorageException failure = translate(e, key);
            if (failure.code() == Code.NO_SPACE) {
                space.full();
            }
            throw failure;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * False from a write that failed for a full disk until a write succeeds. While false, this tries a
     * one-page write of its own (at most once a second, skipped when the writer is busy) so that it turns
     * true once space is freed, even when no client writes.
     */
    boolean hasSpace() {
        if (!space.hasSpace() && !closed && space.probeDue()) {
            probeSpace();
        }
        return space.hasSpace();
    }

    /** A one-page write transaction of its own, which succeeds once space is freed. */
    private void probeSpace() {
        try {
            if (!writeLock.tryLock(1, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                s.execute("INSERT OR REPLACE INTO kine_meta (name, value) VALUES ('space_probe', "
                        + System.currentTimeMillis() + ")");
                s.execute("COMMIT");
                space.written();
            } catch (SQLException e) {
                endQuietly(s, "ROLLBACK");
            }
        } catch (SQLException e) {
            // closed meanwhile
        } finally {
            writeLock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** A free reader, waiting for one at most the busy timeout; a close meanwhile ends the wait at once. */
    private Connection borrow(String key) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
        try {
            while (true) {
                ensureOpen(key);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StorageException(Code.UNREACHABLE, key, "no sqlite reader free within "
                            + BUSY_TIMEOUT_MILLIS / 1000 + "s");
                }
                Connection c = idleReaders.poll(Math.min(left, BORROW_SLICE_NANOS), TimeUnit.NANOSECONDS);
                if (c != null) {
                    if (closed) {
                        idleReaders.add(c);
                        ensureOpen(key);
                    }
                    return c;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Code.UNREACHABLE, key, "interrupted while waiting for a sqlite reader", e);
        }
    }

    private void ensureOpen(String key) {
        if (closed) {
            throw new StorageException(Code.INTERNAL, key, "sqlite storage is closed");
        }
    }

    /** Maps a SQLite failure to a storage error code. */
    static StorageException translate(SQLException e, String key) {
        if (e instanceof SQLiteException se && se.getResultCode() != null) {
            SQLiteErrorCode code = se.getResultCode();
            if (code.name().startsWith("SQLITE_BUSY") || code.name().startsWith("SQLITE_LOCKED")) {
                return new StorageException(Code.UNREACHABLE, key, "sqlite: database is busy: " + e.getMessage(), e);
            }
            if (code == SQLiteErrorCode.SQLITE_TOOBIG) {
                return new StorageException(Code.TOO_LARGE, key, "request is too large", e);
            }
            if (code == SQLiteErrorCode.SQLITE_FULL) {
                return new StorageException(Code.NO_SPACE, key, "the disk is full: the embedded store cannot "
                        + "write (database or disk is full); writes fail until space is freed", e);
            }
        }
        return new StorageException(Code.INTERNAL, key, "sqlite: " + e.getMessage(), e);
    }

    private static void endQuietly(Statement s, String sql) {
        try {
            s.execute(sql);
        } catch (SQLException ignored) {
            // no transaction left to end
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(writer);
        } finally {
            writeLock.unlock();
        }
        // wait briefly (one deadline for all) for readers in use to come back, then close all of them: a
        // read still running on one fails with an error rather than holding up the close
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (int i = 0; i < readers.size(); i++) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || idleReaders.poll(left, TimeUnit.NANOSECONDS) == null) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        readers.forEach(SqliteConnections::closeQuietly);
    }
}

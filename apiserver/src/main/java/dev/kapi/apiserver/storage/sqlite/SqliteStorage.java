package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Storage} SPI embedded in the process on one SQLite file, modelled on k3s's kine.
 *
 * <p><b>The log.</b> One table {@code kine} is the history: every create, update and delete
 * <em>appends</em> a row, and the row's {@code id} (INTEGER PRIMARY KEY AUTOINCREMENT) is the store-wide
 * revision. A row records the key ({@code name}), whether it creates the key ({@code created}) or deletes
 * it ({@code deleted}), the key's create revision, the revision it replaces ({@code prev_revision}, unique
 * per key), the new value and the value it replaced. The current state of a key is its newest row unless
 * that row is a deletion; the state at revision R is, per key, the newest row with {@code id <= R}.
 * {@code currentRevision} is the AUTOINCREMENT sequence (a new file starts at 1, like etcd), which never
 * goes backwards, even when compaction deletes the newest rows; {@code kine_meta} keeps the compacted
 * revision.
 *
 * <p><b>Writes</b> ({@link SqliteCreate}, {@link SqliteGuaranteedUpdate}, {@link SqliteDelete}) run on the
 * single writer connection under a lock in {@code BEGIN IMMEDIATE}: look up the key's newest row, check it
 * (create: no live row, else KEY_EXISTS; update and delete: the live row is still the one the caller read,
 * i.e. compare-and-swap on the mod revision), append one row, commit. A lost swap re-reads and retries
 * outside the lock; an update function runs outside the lock. The database is in WAL mode with
 * {@code synchronous=FULL}, so a write is on disk before it is acknowledged and survives a crash.
 *
 * <p><b>Reads</b> ({@link SqliteGet}, {@link SqliteList}) take a connection from a small reader pool and run
 * in one read transaction, so a list page, its remaining count and the revision checks see one snapshot;
 * WAL lets them run while the writer commits. A list pages at a fixed revision with kube's continue tokens.
 *
 * <p><b>Watches</b> ({@link SqliteWatchHub}): after each commit, still under the writer lock, the
 * appended rows are published to an in-process hub, in revision order, which fans them out by exact key
 * and by every {@code /}-ending prefix of the key. A watch from an older revision registers at the hub's
 * position, replays the rows after its revision from the table, then flushes what arrived meanwhile:
 * no gap, no duplicate. A watch from 0 first gets the state at that position as ADDED events.
 *
 * <p><b>Compaction</b> ({@link SqliteCompact}, scheduled by {@link SqliteCompactor}) to revision R deletes
 * the rows below R that a newer row at or below R supersedes and the deletion rows below R, records R
 * (older reads and watches get EXPIRED) and, in the same transaction, returns free pages to the file system with
 * {@code PRAGMA incremental_vacuum} (the file uses {@code auto_vacuum=INCREMENTAL}).
 *
 * <p>A {@code <file>-kapi.lock} file lock keeps a second process (or a second instance) off the file:
 * the writer lock, the revision and the watch hub live in this instance.
 *
 * <p>The files are private to the server's user ({@link PrivateFiles}): the directory 0700, the database
 * 0600 before SQLite opens it; SQLite gives the WAL and shared-memory files it creates the database file's
 * mode, whatever the umask.
 */
public final class SqliteStorage implements Storage {

    private final Path file;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final AtomicLong revision = new AtomicLong();
    private final SqliteConnections connections;
    private final SqliteWatchHub watches;
    private final SqliteCompactor compactor;

    private SqliteStorage(Path file, SqliteOptions options, FileChannel lockFile, FileLock lock) {
        this.file = file;
        this.lockFile = lockFile;
        this.lock = lock;
        this.connections = SqliteConnections.open(file, options.readers(), this::committed);
        try {
            revision.set(connections.read(null, c -> SqliteSchema.marks(c).current()));
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
        this.watches = new SqliteWatchHub(connections, revision.get(), options.progressInterval());
        this.compactor = new SqliteCompactor(connections, revision::get, options.compactInterval(),
                options.retainRevisions());
    }

    /** Opens (creating when missing) the database in {@code file} with the default options. */
    public static SqliteStorage open(Path file) {
        return open(file, SqliteOptions.DEFAULTS);
    }

    /** Opens (creating when missing) the database in {@code file}. */
    public static SqliteStorage open(Path file, SqliteOptions options) {
        Path absolute = file.toAbsolutePath();
        FileChannel channel = null;
        try {
            PrivateFiles.createDirectories(absolute.getParent());
            channel = PrivateFiles.open(absolute.resolveSibling(absolute.getFileName() + "-kapi.lock"));
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new StorageException(Code.INTERNAL, null, "sqlite database " + absolute
                        + " is already open in another process or storage instance");
            }
            PrivateFiles.createOrTighten(absolute);
            return new SqliteStorage(absolute, options, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException(Code.INTERNAL, null, "cannot open sqlite database " + absolute + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private void committed(LogRow row) {
        revision.accumulateAndGet(row.id(), Math::max);
        watches.publish(row);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return SqliteCreate.create(connections, key, value);
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        return SqliteGet.get(connections, key, options);
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        return SqliteList.list(connections, prefix, options);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return SqliteGuaranteedUpdate.update(connections, key, preconditions, ignoreNotFound, update);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return SqliteDelete.delete(connections, key, preconditions);
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        return watches.watch(prefixOrKey, options, listener);
    }

    @Override
    public long currentRevision() {
        return revision.get();
    }

    @Override
    public void compact(long revision) {
        SqliteCompact.compact(connections, revision);
    }

    /** Changes are published under the writer's lock, so the fan-out's position is always current. */
    @Override
    public boolean answersProgressRequests() {
        return true;
    }

    @Override
    public boolean isHealthy() {
        try {
            return connections.read(null, c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT 1"); ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            });
        } catch (StorageException e) {
            return false;
        }
    }

    @Override
    public boolean hasSpace() {
        return connections.hasSpace();
    }

    /** The database file and its write-ahead log (what SQLite has allocated on disk); -1 when unreadable. */
    @Override
    public long sizeBytes() {
        try {
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** How many watches are open. */
    public int openWatches() {
        return watches.size();
    }

    @Override
    public void close() {
        if (connections.isClosed()) {
            return;
        }
        compactor.close();
        watches.close();
        connections.close();
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}

package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Compaction to revision R, in one write transaction: delete every row below R that a newer row at or
 * below R supersedes, then every deletion row below R, and remember R. Every read at a revision >= R
 * still finds, per key, its newest row at or below that revision, and every row above R stays for watches
 * resuming there. In the same transaction the freed pages go back to the file system (incremental vacuum).
 */
final class SqliteCompact {

    private SqliteCompact() {
    }

    /**
     * Compacts to {@code revision}; a revision at or below the compacted one is a no-op.
     *
     * @return true when something was compacted
     * @throws StorageException TOO_LARGE_RESOURCE_VERSION for a revision the store has not reached
     */
    static boolean compact(SqliteConnections db, long revision) {
        return db.write("", tx -> {
            SqliteSchema.Marks marks = SqliteSchema.marks(tx.connection());
            if (revision > marks.current()) {
                throw new StorageException(Code.TOO_LARGE_RESOURCE_VERSION, null,
                        "mvcc: required revision is a future revision: " + revision + ", current: "
                                + marks.current());
            }
            if (revision <= marks.compacted()) {
                return false;
            }
            try (PreparedStatement superseded = tx.connection().prepareStatement("DELETE FROM kine WHERE id < ?1 "
                    + "AND id NOT IN (SELECT MAX(id) FROM kine WHERE id <= ?1 GROUP BY name)")) {
                superseded.setLong(1, revision);
                superseded.executeUpdate();
            }
            try (PreparedStatement tombstones = tx.connection().prepareStatement(
                    "DELETE FROM kine WHERE id < ? AND deleted = 1")) {
                tombstones.setLong(1, revision);
                tombstones.executeUpdate();
            }
            SqliteSchema.setCompacted(tx.connection(), revision);
            reclaimFreePages(tx.connection());
            return true;
        });
    }

    /**
     * Returns the free pages to the file system ({@code auto_vacuum=INCREMENTAL}). The pragma frees one page
     * per step and JDBC steps a statement without result columns once, so it runs once per free page.
     */
    private static void reclaimFreePages(Connection c) throws SQLException {
        long free;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA freelist_count")) {
            free = rs.next() ? rs.getLong(1) : 0;
        }
        if (free == 0) {
            return;
        }
        try (PreparedStatement vacuum = c.prepareStatement("PRAGMA incremental_vacuum")) {
            for (long i = 0; i < free; i++) {
                vacuum.execute();
            }
        }
    }
}

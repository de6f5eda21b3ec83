package dev.kapi.apiserver.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database layout and the two store-wide marks read from it. The {@code kine} table is an append-only
 * log (AUTOINCREMENT, so a revision is never reused even after compaction deletes the newest rows);
 * {@code kine_meta} remembers the compacted revision (and {@code space_probe}, written to find out whether a
 * full disk has space again). A new database starts at revision 1 like etcd.
 */
final class SqliteSchema {

    /** The latest committed revision and the compacted revision, read in one snapshot. */
    record Marks(long current, long compacted) {
    }

    private static final String[] DDL = {
        "CREATE TABLE IF NOT EXISTS kine ("
                + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                + "name TEXT NOT NULL, "
                + "created INTEGER NOT NULL, "
                + "deleted INTEGER NOT NULL, "
                + "create_revision INTEGER NOT NULL, "
                + "prev_revision INTEGER NOT NULL, "
                + "value BLOB, "
                + "old_value BLOB)",
        // latest row of a key (ORDER BY id DESC LIMIT 1), latest row per key at a revision (GROUP BY name)
        "CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id)",
        // a row can only follow one predecessor: a second writer from the same revision cannot slip in
        "CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision ON kine (name, prev_revision)",
        "CREATE TABLE IF NOT EXISTS kine_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    };

    private SqliteSchema() {
    }

    /**
     * Sets the file-level pragmas (incremental auto-vacuum must precede the first table, then WAL) and the
     * writer's durability, then creates the tables when missing.
     */
    static void prepare(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA journal_size_limit = 16777216");
            s.execute("BEGIN IMMEDIATE");
            try {
                for (String ddl : DDL) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO sqlite_sequence (name, seq) SELECT 'kine', 1 "
                        + "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'kine')");
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /**
     * SQLite's {@code PRAGMA quick_check} (the integrity check without the index-content comparison, linear
     * in the file's size): null when the file is sound, else the first problem it reports.
     */
    static String quickCheck(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(1)")) {
            String first = rs.next() ? rs.getString(1) : "no result";
            return "ok".equals(first) ? null : first.replaceAll("\\s*\n\\s*", " ");
        }
    }

    static Marks marks(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'kine'), "
                        + "(SELECT value FROM kine_meta WHERE name = 'compact_rev')");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Marks(rs.getLong(1), rs.getLong(2));
        }
    }

    static void setCompacted(Connection c, long revision) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT OR REPLACE INTO kine_meta (name, value) VALUES ('compact_rev', ?)")) {
            s.setLong(1, revision);
            s.executeUpdate();
        }
    }
}

package dev.kapi.apiserver.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a write may do inside its {@code BEGIN IMMEDIATE} transaction: look at a key's newest row and
 * append a row to the log. The appended rows are published to watches once the transaction commits.
 */
final class WriteTransaction {

    private final Connection connection;
    private final List<LogRow> appended = new ArrayList<>();

    WriteTransaction(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** The key's newest row (possibly a deletion), or null when the log has none. */
    LogRow latest(String key) throws SQLException {
        return SqliteGet.latest(connection, key, Long.MAX_VALUE);
    }

    /** The key's newest row when it is not a deletion, else null. */
    LogRow live(String key) throws SQLException {
        LogRow latest = latest(key);
        return latest == null || latest.deleted() ? null : latest;
    }

    /** Appends a row that creates {@code key} after {@code latest} (null or a deletion). */
    LogRow appendCreate(String key, LogRow latest, byte[] value) throws SQLException {
        return append(key, true, false, 0, latest == null ? 0 : latest.id(), value, null);
    }

    /** Appends a row that replaces the live row {@code current} by {@code value}. */
    LogRow appendUpdate(LogRow current, byte[] value) throws SQLException {
        return append(current.name(), false, false, current.createRevision(), current.id(), value, current.value());
    }

    /** Appends a tombstone after the live row {@code current}, keeping its last value. */
    LogRow appendDelete(LogRow current) throws SQLException {
        return append(current.name(), false, true, current.createRevision(), current.id(), current.value(), null);
    }

    private LogRow append(String name, boolean created, boolean deleted, long createRevision, long prevRevision,
                          byte[] value, byte[] oldValue) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO kine "
                + "(name, created, deleted, create_revision, prev_revision, value, old_value) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, name);
            insert.setInt(2, created ? 1 : 0);
            insert.setInt(3, deleted ? 1 : 0);
            insert.setLong(4, createRevision);
            insert.setLong(5, prevRevision);
            insert.setBytes(6, value);
            insert.setBytes(7, oldValue);
            insert.executeUpdate();
        }
        long id;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            id = rs.getLong(1);
        }
        LogRow row = new LogRow(id, name, created, deleted, createRevision, prevRevision, value, oldValue);
        appended.add(row);
        return row;
    }

    List<LogRow> appended() {
        return appended;
    }
}

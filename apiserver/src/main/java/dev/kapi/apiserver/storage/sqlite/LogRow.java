package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One row of the {@code kine} log: a revision ({@code id}) at which {@code name} was created, modified or
 * deleted. A creating row stores {@code create_revision = 0} (its own id is the create revision, unknown
 * before the insert); a deleting row keeps the last value in {@code value}; {@code oldValue} is the value
 * the row replaced (null for creates and deletes).
 */
record LogRow(long id, String name, boolean created, boolean deleted, long storedCreateRevision,
              long prevRevision, byte[] value, byte[] oldValue) {

    /** The columns every query selects, in the order {@link #read} expects. */
    static final String COLUMNS = "id, name, created, deleted, create_revision, prev_revision, value, old_value";

    private static final byte[] EMPTY = new byte[0];

    static LogRow read(ResultSet rs) throws SQLException {
        byte[] value = rs.getBytes(7);
        return new LogRow(rs.getLong(1), rs.getString(2), rs.getInt(3) == 1, rs.getInt(4) == 1, rs.getLong(5),
                rs.getLong(6), value == null ? EMPTY : value, rs.getBytes(8));
    }

    /** The revision at which the key's current incarnation was created. */
    long createRevision() {
        return created ? id : storedCreateRevision;
    }

    /** The entry this row leaves behind (for a delete: the last value, at the deletion's revision). */
    KeyValue keyValue() {
        return new KeyValue(name, value, createRevision(), id);
    }

    /** The value this row replaced, or null for a create. */
    KeyValue previous() {
        if (created) {
            return null;
        }
        return new KeyValue(name, deleted ? value : oldValue == null ? EMPTY : oldValue, createRevision(),
                prevRevision);
    }

    /** The watch event this row stands for. */
    WatchEvent event() {
        WatchEvent.Type type = deleted ? WatchEvent.Type.DELETED
                : created ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
        return new WatchEvent(type, keyValue(), previous(), id, null);
    }
}

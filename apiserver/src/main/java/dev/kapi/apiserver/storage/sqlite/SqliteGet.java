package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateLoop;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Get: the key's newest row at a revision; absent when there is none or it is a deletion. */
final class SqliteGet {

    private SqliteGet() {
    }

    /**
     * The key's live entry at the latest revision, which serves every {@link GetOptions}; a minimum
     * (not older than) is checked against the store's revision first, in the same read transaction.
     */
    static KeyValue get(SqliteConnections db, String key, GetOptions options) {
        ReadRevision at = options.at();
        LogRow row = db.read(key, c -> {
            if (at.match() == ReadRevision.Match.NOT_OLDER_THAN) {
                at.requireReached(SqliteSchema.marks(c).current(), key);
            }
            return latest(c, key, Long.MAX_VALUE);
        });
        if (row == null || row.deleted()) {
            throw notFound(key);
        }
        return row.keyValue();
    }

    /** The entry at the latest revision, or null when the key is absent. */
    static KeyValue getOrNull(SqliteConnections db, String key) {
        LogRow row = db.read(key, c -> latest(c, key, Long.MAX_VALUE));
        return row == null || row.deleted() ? null : row.keyValue();
    }

    /** The key's newest row with {@code id <= revision} (possibly a deletion), or null. */
    static LogRow latest(Connection c, String key, long revision) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + LogRow.COLUMNS
                + " FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1")) {
            s.setString(1, key);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? LogRow.read(rs) : null;
            }
        }
    }

    static StorageException notFound(String key) {
        return UpdateLoop.notFound(key);
    }
}

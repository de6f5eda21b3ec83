package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;

/**
 * Create: in one write transaction, refuse when the key's newest row is live, else append a creating row.
 * Values above etcd's default request limit are refused so both backends accept the same objects.
 */
final class SqliteCreate {

    /** etcd's default {@code --max-request-bytes}: 1.5 MiB. */
    static final int MAX_VALUE_BYTES = 1_572_864;

    private SqliteCreate() {
    }

    static KeyValue create(SqliteConnections db, String key, byte[] value) {
        checkSize(key, value);
        return db.write(key, tx -> {
            LogRow latest = tx.latest(key);
            if (latest != null && !latest.deleted()) {
                throw new StorageException(StorageException.Code.KEY_EXISTS, key, "key exists: " + key);
            }
            return tx.appendCreate(key, latest, value).keyValue();
        });
    }

    /** Refuses values larger than {@link #MAX_VALUE_BYTES} with TOO_LARGE. */
    static void checkSize(String key, byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            throw new StorageException(StorageException.Code.TOO_LARGE, key,
                    "request is too large: " + value.length + " bytes, the limit is " + MAX_VALUE_BYTES);
        }
    }
}

package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.UpdateLoop;

/**
 * The SQLite side of {@link UpdateLoop}: the swap is one write transaction that appends the new row only
 * if the key's live row is still the one read (same id, or still absent); otherwise it hands the row
 * found there back to the loop.
 */
final class SqliteGuaranteedUpdate {

    private SqliteGuaranteedUpdate() {
    }

    static KeyValue update(SqliteConnections db, String key, Preconditions preconditions, boolean ignoreNotFound,
                           UpdateFunction function) {
        return UpdateLoop.update(new UpdateLoop.Backend() {
            @Override
            public KeyValue read(String k) {
                return SqliteGet.getOrNull(db, k);
            }

            @Override
            public UpdateLoop.Swap swap(String k, KeyValue expected, byte[] next) {
                return SqliteGuaranteedUpdate.swap(db, k, expected, next);
            }
        }, key, preconditions, ignoreNotFound, function);
    }

    private static UpdateLoop.Swap swap(SqliteConnections db, String key, KeyValue expected, byte[] next) {
        SqliteCreate.checkSize(key, next);
        return db.write(key, tx -> {
            LogRow latest = tx.latest(key);
            LogRow live = latest == null || latest.deleted() ? null : latest;
            boolean unchanged = expected == null ? live == null
                    : live != null && live.id() == expected.modRevision();
            if (!unchanged) {
                return new UpdateLoop.Swap(false, live == null ? null : live.keyValue());
            }
            LogRow written = live == null ? tx.appendCreate(key, latest, next) : tx.appendUpdate(live, next);
            return new UpdateLoop.Swap(true, written.keyValue());
        });
    }
}

package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;

/**
 * Conditional delete: read the entry, check the preconditions, then in one write transaction append a
 * tombstone only if the live row is still the one checked; when it changed in between, the preconditions
 * are checked again on the new row.
 */
final class SqliteDelete {

    /** The outcome of one attempt: the deleted entry, or the entry that is there now (null = absent). */
    private record Attempt(boolean deleted, KeyValue entry) {
    }

    private SqliteDelete() {
    }

    static KeyValue delete(SqliteConnections db, String key, Preconditions preconditions) {
        KeyValue current = SqliteGet.getOrNull(db, key);
        while (true) {
            if (current == null) {
                throw SqliteGet.notFound(key);
            }
            preconditions.check(current);
            KeyValue expected = current;
            Attempt attempt = db.write(key, tx -> {
                LogRow live = tx.live(key);
                if (live == null || live.id() != expected.modRevision()) {
                    return new Attempt(false, live == null ? null : live.keyValue());
                }
                return new Attempt(true, tx.appendDelete(live).keyValue());
            });
            if (attempt.deleted()) {
                return attempt.entry();
            }
            current = attempt.entry();
        }
    }
}

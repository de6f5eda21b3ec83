package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.UpdateFunction;
import java.util.Arrays;

/**
 * Read-modify-write with compare-and-swap on the mod revision: read the entry, apply the function outside
 * any lock, then in one write transaction append the new row only if the key's live row is still the one
 * read (same id, or still absent); otherwise re-run the function on the row found there. An unchanged
 * value writes nothing.
 */
final class SqliteGuaranteedUpdate {

    /** The outcome of one swap: the committed entry, or the entry that is there now (null = absent). */
    private record Swap(boolean committed, KeyValue entry) {
    }

    private SqliteGuaranteedUpdate() {
    }

    static KeyValue update(SqliteConnections db, String key, Preconditions preconditions, boolean ignoreNotFound,
                           UpdateFunction function) {
        KeyValue current = SqliteGet.getOrNull(db, key);
        while (true) {
            if (current == null && !ignoreNotFound) {
                throw SqliteGet.notFound(key);
            }
            if (current != null) {
                preconditions.check(current);
            }
            byte[] next = function.apply(current);
            if (next == null) {
                throw new IllegalStateException("the update function of " + key + " returned null");
            }
            if (current != null && Arrays.equals(next, current.value())) {
                return current;
            }
            SqliteCreate.checkSize(key, next);
            KeyValue expected = current;
            Swap swap = db.write(key, tx -> {
                LogRow latest = tx.latest(key);
                LogRow live = latest == null || latest.deleted() ? null : latest;
                boolean unchanged = expected == null ? live == null
                        : live != null && live.id() == expected.modRevision();
                if (!unchanged) {
                    return new Swap(false, live == null ? null : live.keyValue());
                }
                LogRow written = live == null ? tx.appendCreate(key, latest, next) : tx.appendUpdate(live, next);
                return new Swap(true, written.keyValue());
            });
            if (swap.committed()) {
                return swap.entry();
            }
            current = swap.entry();
        }
    }
}

package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListPaging;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * List: in one read transaction, per key in {@code [start, prefixEnd)} the newest row with
 * {@code id <= revision}, skipping deletions, in key order, one page at a time. The first page reads at
 * the exact revision asked for, otherwise at the latest (which serves the most recent, any, and not older
 * than a revision the store has reached); a continue token pins later pages to that revision and starts
 * just after the last key returned, so the pages form one snapshot (compaction keeps every revision at or
 * above the compacted one readable).
 */
final class SqliteList {

    /**
     * The live newest row per key in a name range at a revision. Walking the name index in order with a
     * per-row lookup of the key's newest id (not a GROUP BY join) lets {@code ORDER BY name LIMIT n} stop
     * after one page instead of sorting the whole range.
     */
    private static final String LATEST_PER_KEY = "FROM kine k WHERE k.name %s ? AND k.name < ? AND k.deleted = 0 "
            + "AND k.id = (SELECT MAX(m.id) FROM kine m WHERE m.name = k.name AND m.id <= ?)";

    private SqliteList() {
    }

    static ListResult list(SqliteConnections db, String prefix, ListOptions options) {
        ListPaging.Start start = ListPaging.start(prefix, options);
        String from = start.startKey();
        long requested = start.revision();
        return db.read(prefix, c -> {
            SqliteSchema.Marks marks = SqliteSchema.marks(c);
            if (requested > marks.current()) {
                throw ReadRevision.tooLarge(prefix, requested, marks.current());
            }
            if (requested != 0 && requested < marks.compacted()) {
                throw new StorageException(Code.EXPIRED, prefix, start.expiredMessage());
            }
            long readAt = requested != 0 ? requested : marks.current();
            start.at().requireReached(readAt, prefix);
            return page(c, prefix, from, readAt, options.limit());
        });
    }

    private static ListResult page(Connection c, String prefix, String start, long revision, long limit)
            throws SQLException {
        // a continue key is "<last key>\0": read strictly after the last key instead of binding the NUL
        boolean after = start.endsWith("\u0000");
        String bound = after ? start.substring(0, start.length() - 1) : start;
        String end = prefixEnd(prefix);
        List<KeyValue> items = new ArrayList<>();
        boolean more = false;
        try (PreparedStatement s = c.prepareStatement("SELECT " + qualified() + " "
                + LATEST_PER_KEY.formatted(after ? ">" : ">=") + " ORDER BY k.name LIMIT ?")) {
            s.setString(1, bound);
            s.setString(2, end);
            s.setLong(3, revision);
            s.setLong(4, limit > 0 ? limit + 1 : -1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (limit > 0 && items.size() == limit) {
                        more = true;
                        break;
                    }
                    items.add(LogRow.read(rs).keyValue());
                }
            }
        }
        if (!more) {
            return ListPaging.page(prefix, items, revision, false, 0);
        }
        String last = items.get(items.size() - 1).key();
        long remaining;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) " + LATEST_PER_KEY.formatted(">"))) {
            s.setString(1, last);
            s.setString(2, end);
            s.setLong(3, revision);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                remaining = rs.getLong(1);
            }
        }
        return ListPaging.page(prefix, items, revision, true, remaining);
    }

    /** The first key after every key starting with {@code prefix} (which ends in {@code /}). */
    static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
    }

    private static String qualified() {
        return "k." + LogRow.COLUMNS.replace(", ", ", k.");
    }
}

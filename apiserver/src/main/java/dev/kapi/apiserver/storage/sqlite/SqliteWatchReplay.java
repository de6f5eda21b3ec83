package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchSubscription;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * What a new watch reads from the table before it joins the live stream at the join revision: the state
 * at that revision (a watch from 0) or the log rows after its start revision (an older revision), page by
 * page, each page in its own read transaction that first checks compaction has not passed it.
 */
final class SqliteWatchReplay {

    private static final int PAGE = 1000;

    private SqliteWatchReplay() {
    }

    /** Offers every entry at {@code revision} as ADDED. */
    static void initialState(SqliteConnections db, WatchSubscription subscriber, long revision) {
        String target = subscriber.prefixOrKey();
        if (subscriber.isPrefix()) {
            subscriber.offerInitialList(revision, PAGE, options -> SqliteList.list(db, target, options));
            return;
        }
        LogRow row = db.read(target, c -> {
            checkNotCompacted(SqliteSchema.marks(c), target, revision, revision);
            return SqliteGet.latest(c, target, revision);
        });
        if (row != null && !row.deleted()) {
            subscriber.offerInitial(row.keyValue());
        }
    }

    /** Offers every change with {@code from < revision <= join}, in revision order. */
    static void history(SqliteConnections db, WatchSubscription subscriber, long from, long join) {
        String target = subscriber.prefixOrKey();
        long cursor = from;
        while (cursor < join && !subscriber.isClosed()) {
            long after = cursor;
            List<LogRow> rows = db.read(target, c -> {
                checkNotCompacted(SqliteSchema.marks(c), target, from, after + 1);
                String range = subscriber.isPrefix() ? "name >= ? AND name < ?" : "name = ?";
                try (PreparedStatement s = c.prepareStatement("SELECT " + LogRow.COLUMNS
                        + " FROM kine WHERE id > ? AND id <= ? AND " + range + " ORDER BY id LIMIT " + PAGE)) {
                    s.setLong(1, after);
                    s.setLong(2, join);
                    s.setString(3, target);
                    if (subscriber.isPrefix()) {
                        s.setString(4, SqliteList.prefixEnd(target));
                    }
                    List<LogRow> page = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            page.add(LogRow.read(rs));
                        }
                    }
                    return page;
                }
            });
            rows.forEach(row -> subscriber.offerHistory(row.event()));
            if (rows.size() < PAGE) {
                return;
            }
            cursor = rows.get(rows.size() - 1).id();
        }
    }

    /** EXPIRED (kube's watch message) when rows from {@code needed} on may have been compacted away. */
    private static void checkNotCompacted(SqliteSchema.Marks marks, String key, long from, long needed) {
        if (needed < marks.compacted()) {
            throw new StorageException(Code.EXPIRED, key,
                    "too old resource version: " + from + " (" + marks.compacted() + ")");
        }
    }
}

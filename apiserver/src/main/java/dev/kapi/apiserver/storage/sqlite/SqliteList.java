package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.ContinueTokens;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
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
 * the latest (or the requested) revision; a continue token pins later pages to that revision and starts
 * just after the last key returned, so the pages form one snapshot (compaction keeps every revision at or
 * above the compacted one readable).
 */
final class SqliteList {

    static final String CONTINUE_EXPIRED = "The provided continue parameter is too old to display a consistent "
            + "list result. You can start a new list without the continue parameter, or use the continue token "
            + "in this response to retrieve the remainder of the results. Continuing with the provided token "
            + "results in an inconsistent list - objects that were created, modified, or deleted between the time "
            + "the first chunk was returned and now may show up in the list.";
    static final String RESOURCE_VERSION_EXPIRED = "The resourceVersion for the provided list is too old.";

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
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a list prefix must end in /: " + prefix);
        }
        String start = prefix;
        long revision = options.revision();
        boolean continuing = options.continueToken() != null && !options.continueToken().isEmpty();
        if (continuing) {
            ContinueTokens.Position position = ContinueTokens.decode(options.continueToken(), prefix);
            if (revision != 0 && revision != position.revision()) {
                throw new StorageException(Code.INVALID_CONTINUE, prefix,
                        "specifying resource version is not allowed when using continue");
            }
            start = position.startKey();
            revision = position.revision();
        }
        String from = start;
        long requested = revision;
        return db.read(prefix, c -> {
            SqliteSchema.Marks marks = SqliteSchema.marks(c);
            if (requested > marks.current()) {
                throw new StorageException(Code.TOO_LARGE_RESOURCE_VERSION, prefix,
                        "Too large resource version: " + requested + ", current: " + marks.current());
            }
            if (requested != 0 && requested < marks.compacted()) {
                throw new StorageException(Code.EXPIRED, prefix,
                        continuing ? CONTINUE_EXPIRED : RESOURCE_VERSION_EXPIRED);
            }
            long readAt = requested != 0 ? requested : marks.current();
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
            return new ListResult(items, revision, null, 0);
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
        return new ListResult(items, revision, ContinueTokens.encode(prefix, last + "\u0000", revision), remaining);
    }

    /** The first key after every key starting with {@code prefix} (which ends in {@code /}). */
    static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
    }

    private static String qualified() {
        return "k." + LogRow.COLUMNS.replace(", ", ", k.");
    }
}

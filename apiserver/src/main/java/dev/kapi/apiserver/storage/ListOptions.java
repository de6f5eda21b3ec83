package dev.kapi.apiserver.storage;

/**
 * What {@link Storage#list} reads: at {@code at} (see {@link ReadRevision}), at most {@code limit} entries
 * (0 = all), starting after the position encoded in {@code continueToken}. A page that continues an
 * earlier one has {@code at} = {@link ReadRevision#CONTINUE} and its token, which carries the revision
 * and key to go on from; no other read has a token.
 *
 * <p>Example: {@code list(prefix, ListOptions.limit(2))} reads the two first entries at the latest
 * revision 120 and answers a token; {@code list(prefix, ListOptions.continueFrom(token, 2))} reads the next
 * two at 120 too, whatever was written meanwhile; {@code ListOptions.exact(100, 0)} reads everything as it
 * was at 100; {@code new ListOptions(ReadRevision.notOlderThan(100), 0, null)} may be answered at 120.
 *
 * <p>{@code index} (optional, null when absent) is a hint that only entries matching an {@link IndexMatch}
 * are wanted: {@code ListOptions.ALL.withIndex(new IndexMatch("spec.nodeName", "node-1"))} may be answered
 * with the pods of node-1 only (by a watch cache with that indexer) or with every pod (by a backend).
 *
 * <p>{@code selective} says the caller keeps only some of the entries (the request has a label or field
 * selector): a watch cache that is not ready yet refuses such a list rather than pass it to the backend, where
 * it would read every entry to answer few (kube's ResilientWatchCacheInitialization).
 */
public record ListOptions(ReadRevision at, long limit, String continueToken, IndexMatch index, boolean selective) {

    public static final ListOptions ALL = new ListOptions(ReadRevision.MOST_RECENT, 0, null);

    /** A list without an index hint, not selective. */
    public ListOptions(ReadRevision at, long limit, String continueToken) {
        this(at, limit, continueToken, null, false);
    }

    /** A list with an index hint (or null), not selective. */
    public ListOptions(ReadRevision at, long limit, String continueToken, IndexMatch index) {
        this(at, limit, continueToken, index, false);
    }

    public ListOptions {
        if (at == null) {
            throw new IllegalArgumentException("a list needs a revision to read at");
        }
        boolean continuing = continueToken != null && !continueToken.isEmpty();
        if (continuing != (at.match() == ReadRevision.Match.CONTINUE)) {
            throw new IllegalArgumentException("a continue token goes with CONTINUE and only with it: " + at);
        }
    }

    /** The first {@code limit} entries at the latest revision. */
    public static ListOptions limit(long limit) {
        return new ListOptions(ReadRevision.MOST_RECENT, limit, null);
    }

    /** The first {@code limit} entries as they were at {@code revision}. */
    public static ListOptions exact(long revision, long limit) {
        return new ListOptions(ReadRevision.exact(revision), limit, null);
    }

    /** The next {@code limit} entries after a page that answered {@code continueToken}, at that page's revision. */
    public static ListOptions continueFrom(String continueToken, long limit) {
        return new ListOptions(ReadRevision.CONTINUE, limit, continueToken);
    }

    /** These options with the index hint {@code index} (null: none). */
    public ListOptions withIndex(IndexMatch index) {
        return new ListOptions(at, limit, continueToken, index, selective);
    }

    /** These options for a caller that keeps only some entries ({@code true}) or all of them. */
    public ListOptions withSelective(boolean selective) {
        return new ListOptions(at, limit, continueToken, index, selective);
    }

    public boolean continuing() {
        return at.match() == ReadRevision.Match.CONTINUE;
    }
}

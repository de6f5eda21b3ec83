package dev.kapi.apiserver.storage;

/**
 * Which revision a {@link Storage#get} or {@link Storage#list} is served at: kube's resourceVersion
 * semantics for get and list, already resolved from the request's parameters by the registry, so a
 * decorator (a watch cache) can tell "any" from "the latest" without re-reading query strings.
 *
 * <table>
 *   <caption>The registry's mapping (kube's "semantics for get and list")</caption>
 *   <tr><th>request</th><th>read</th></tr>
 *   <tr><td>no resourceVersion (get or list)</td><td>{@link Match#MOST_RECENT}</td></tr>
 *   <tr><td>resourceVersion=0 (get, list, list with NotOlderThan or a limit)</td><td>{@link Match#ANY}</td></tr>
 *   <tr><td>resourceVersion=N on a get; on a list without a limit or with NotOlderThan</td>
 *       <td>{@link Match#NOT_OLDER_THAN} N</td></tr>
 *   <tr><td>resourceVersion=N with Exact; with a limit and no resourceVersionMatch</td>
 *       <td>{@link Match#EXACT} N</td></tr>
 *   <tr><td>a list with {@code continue}</td><td>{@link Match#CONTINUE} (the token's revision)</td></tr>
 * </table>
 *
 * <p>Example: with the store at revision 120, {@code notOlderThan(100)} may be answered at 120 (a backend
 * reads the latest) or by a cache that has seen 105; {@code notOlderThan(130)} fails with
 * TOO_LARGE_RESOURCE_VERSION ("Too large resource version: 130, current: 120"); {@code exact(100)} reads the
 * state as it was at 100 (EXPIRED once 100 is compacted); {@link #ANY} may be answered from any revision a
 * cache holds; {@link #MOST_RECENT} must reflect every write acknowledged before the read began.
 *
 * @param revision the N of NOT_OLDER_THAN and EXACT (positive); 0 for the others
 */
public record ReadRevision(Match match, long revision) {

    /** How {@link #revision} binds the read. */
    public enum Match {
        /** The latest state, consistent with every write acknowledged before (kube: resourceVersion unset). */
        MOST_RECENT,
        /** Any state the implementation holds, however old (kube: resourceVersion "0"). */
        ANY,
        /** Any state at {@code revision} or later; TOO_LARGE_RESOURCE_VERSION when the store has not reached it. */
        NOT_OLDER_THAN,
        /** The state at exactly {@code revision}: EXPIRED when compacted, TOO_LARGE_RESOURCE_VERSION when ahead. */
        EXACT,
        /** Lists only: the revision of the continue token, which carries its own (kube: exact). */
        CONTINUE
    }

    public static final ReadRevision MOST_RECENT = new ReadRevision(Match.MOST_RECENT, 0);
    public static final ReadRevision ANY = new ReadRevision(Match.ANY, 0);
    public static final ReadRevision CONTINUE = new ReadRevision(Match.CONTINUE, 0);

    public ReadRevision {
        if (match == null) {
            throw new IllegalArgumentException("a read needs a match");
        }
        boolean bound = match == Match.NOT_OLDER_THAN || match == Match.EXACT;
        if (bound ? revision <= 0 : revision != 0) {
            throw new IllegalArgumentException(match + " with revision " + revision);
        }
    }

    public static ReadRevision notOlderThan(long revision) {
        return new ReadRevision(Match.NOT_OLDER_THAN, revision);
    }

    public static ReadRevision exact(long revision) {
        return new ReadRevision(Match.EXACT, revision);
    }

    /**
     * Fails a NOT_OLDER_THAN read answered at {@code readRevision} (the store's revision when it was read)
     * below its minimum, with kube's message; every other match passes.
     *
     * @throws StorageException TOO_LARGE_RESOURCE_VERSION
     */
    public void requireReached(long readRevision, String key) {
        if (match == Match.NOT_OLDER_THAN && revision > readRevision) {
            throw tooLarge(key, revision, readRevision);
        }
    }

    /** kube's error for a read at (or not older than) a revision the store has not reached. */
    public static StorageException tooLarge(String key, long requested, long current) {
        return new StorageException(StorageException.Code.TOO_LARGE_RESOURCE_VERSION, key,
                "Too large resource version: " + requested + ", current: " + current);
    }
}

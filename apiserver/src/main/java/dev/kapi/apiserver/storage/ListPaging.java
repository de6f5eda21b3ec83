package dev.kapi.apiserver.storage;

import java.util.List;

/**
 * The paging rules of {@link Storage#list} shared by every backend: where a page starts (the list prefix,
 * or the key and revision of a {@link ContinueTokens continue token}), how a page ends (a continue token just after its last key, pinned to its
 * revision, and how many entries remain), and kube's messages for a list read below the compacted revision.
 */
public final class ListPaging {

    /** kube's message for a continue token whose revision was compacted. */
    public static final String CONTINUE_EXPIRED = "The provided continue parameter is too old to display a "
            + "consistent list result. You can start a new list without the continue parameter, or use the "
            + "continue token in this response to retrieve the remainder of the results. Continuing with the "
            + "provided token results in an inconsistent list - objects that were created, modified, or deleted "
            + "between the time the first chunk was returned and now may show up in the list.";

    /** kube's message for a list at a revision that was compacted. */
    public static final String RESOURCE_VERSION_EXPIRED = "The resourceVersion for the provided list is too old.";

    /**
     * Where a page starts: {@code startKey} (inclusive; a continue key is the last key returned plus
     * {@code \0}) at {@code revision} (0 = the latest), whether it continues an earlier page, and what the
     * read asked for ({@code at}, for the minimum a NOT_OLDER_THAN read must reach).
     */
    public record Start(String startKey, long revision, boolean continuing, ReadRevision at) {

        /** The message for this list reading below the compacted revision. */
        public String expiredMessage() {
            return continuing ? CONTINUE_EXPIRED : RESOURCE_VERSION_EXPIRED;
        }
    }

    private ListPaging() {
    }

    /**
     * Where the list of {@code prefix} (which must end in {@code /}) with {@code options} starts: an EXACT
     * read at its revision, a continuation at its token's, every other read at the latest.
     */
    public static Start start(String prefix, ListOptions options) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a list prefix must end in /: " + prefix);
        }
        ReadRevision at = options.at();
        if (!options.continuing()) {
            long revision = at.match() == ReadRevision.Match.EXACT ? at.revision() : 0;
            return new Start(prefix, revision, false, at);
        }
        ContinueTokens.Position position = ContinueTokens.decode(options.continueToken(), prefix);
        return new Start(position.startKey(), position.revision(), true, at);
    }

    /**
     * A page read at {@code revision}: the last one when nothing more follows (or it is empty), otherwise
     * one whose continue token starts just after its last key, with {@code remaining} entries after it.
     */
    public static ListResult page(String prefix, List<KeyValue> items, long revision, boolean more, long remaining) {
        if (!more || items.isEmpty()) {
            return new ListResult(items, revision, null, 0);
        }
        String next = items.get(items.size() - 1).key() + "\u0000";
        return new ListResult(items, revision, ContinueTokens.encode(prefix, next, revision), remaining);
    }
}

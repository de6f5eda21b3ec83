package dev.kapi.apiserver.storage;

/**
 * What {@link Storage#get} reads: the key's value at {@code at}, which is {@link ReadRevision#MOST_RECENT}
 * (kube: a get without resourceVersion), {@link ReadRevision#ANY} ("0") or
 * {@link ReadRevision#notOlderThan} (any other value; a get has no Exact). {@code fromStorage} (only with
 * MOST_RECENT) asks a watch cache in front of the store to pass the read on rather than answer it after a
 * revision check: what a write's own read of the current object uses, as kube-apiserver's writes read etcd.
 *
 * <p>Example: {@code get(key, GetOptions.notOlderThan(130))} on a store at revision 120 fails with
 * TOO_LARGE_RESOURCE_VERSION whether or not the key exists, as kube checks the revision before the key.
 */
public record GetOptions(ReadRevision at, boolean fromStorage) {

    public static final GetOptions MOST_RECENT = new GetOptions(ReadRevision.MOST_RECENT);
    public static final GetOptions ANY = new GetOptions(ReadRevision.ANY);
    /** The most recent, read from the store itself even when a watch cache could answer. */
    public static final GetOptions FROM_STORAGE = new GetOptions(ReadRevision.MOST_RECENT, true);

    public GetOptions {
        if (at == null || at.match() == ReadRevision.Match.EXACT || at.match() == ReadRevision.Match.CONTINUE) {
            throw new IllegalArgumentException("a get reads the most recent, any, or not older than: " + at);
        }
        if (fromStorage && at.match() != ReadRevision.Match.MOST_RECENT) {
            throw new IllegalArgumentException("only a read of the most recent goes to storage on its own: " + at);
        }
    }

    public GetOptions(ReadRevision at) {
        this(at, false);
    }

    public static GetOptions notOlderThan(long revision) {
        return new GetOptions(ReadRevision.notOlderThan(revision));
    }
}

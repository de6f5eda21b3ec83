package dev.kapi.apiserver.storage;

/**
 * What {@link Storage#get} reads: the key's value at {@code at}, which is {@link ReadRevision#MOST_RECENT}
 * (kube: a get without resourceVersion), {@link ReadRevision#ANY} ("0") or
 * {@link ReadRevision#notOlderThan} (any other value; a get has no Exact).
 *
 * <p>Example: {@code get(key, GetOptions.notOlderThan(130))} on a store at revision 120 fails with
 * TOO_LARGE_RESOURCE_VERSION whether or not the key exists, as kube checks the revision before the key.
 */
public record GetOptions(ReadRevision at) {

    public static final GetOptions MOST_RECENT = new GetOptions(ReadRevision.MOST_RECENT);
    public static final GetOptions ANY = new GetOptions(ReadRevision.ANY);

    public GetOptions {
        if (at == null || at.match() == ReadRevision.Match.EXACT || at.match() == ReadRevision.Match.CONTINUE) {
            throw new IllegalArgumentException("a get reads the most recent, any, or not older than: " + at);
        }
    }

    public static GetOptions notOlderThan(long revision) {
        return new GetOptions(ReadRevision.notOlderThan(revision));
    }
}

package dev.kapi.apiserver.storage;

/**
 * What {@link Storage#list} reads: at {@code revision} (0 = the latest), at most {@code limit} entries
 * (0 = all), starting after the position encoded in {@code continueToken} (null = from the start).
 * A continue token carries its own revision; {@code revision} must then be 0.
 */
public record ListOptions(long revision, long limit, String continueToken) {

    public static final ListOptions ALL = new ListOptions(0, 0, null);

    public static ListOptions limit(long limit) {
        return new ListOptions(0, limit, null);
    }

    public static ListOptions atRevision(long revision, long limit) {
        return new ListOptions(revision, limit, null);
    }

    public static ListOptions continueFrom(String continueToken, long limit) {
        return new ListOptions(0, limit, continueToken);
    }
}

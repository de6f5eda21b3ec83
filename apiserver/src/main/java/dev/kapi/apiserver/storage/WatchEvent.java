package dev.kapi.apiserver.storage;

/**
 * One change seen by a watch. For ADDED and MODIFIED, {@code current} is the new entry; for DELETED,
 * {@code current} holds the last value with {@code modRevision} set to the deletion's revision;
 * {@code previous} is the value before the change when known. PROGRESS carries only a revision: all
 * changes up to it have been delivered. ERROR carries the failure; the watch ends after it.
 *
 * <p>{@code moreAtRevision}: the backend delivers another change of the same revision right after this one (one
 * etcd transaction that wrote several keys; it may be outside a watch's keys). A consumer that must see a revision
 * whole, the watch cache, counts the revision as reached only after its last change (or a later event or progress).
 */
public record WatchEvent(Type type, KeyValue current, KeyValue previous, long revision, StorageException error,
                         boolean moreAtRevision) {

    public enum Type { ADDED, MODIFIED, DELETED, PROGRESS, ERROR }

    /** A change that is the last (or only) one of its revision. */
    public WatchEvent(Type type, KeyValue current, KeyValue previous, long revision, StorageException error) {
        this(type, current, previous, revision, error, false);
    }

    public static WatchEvent progress(long revision) {
        return new WatchEvent(Type.PROGRESS, null, null, revision, null);
    }

    public static WatchEvent error(StorageException error) {
        return new WatchEvent(Type.ERROR, null, null, 0, error);
    }
}

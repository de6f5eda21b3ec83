package dev.kapi.apiserver.storage;

/**
 * One change seen by a watch. For ADDED and MODIFIED, {@code current} is the new entry; for DELETED,
 * {@code current} holds the last value with {@code modRevision} set to the deletion's revision;
 * {@code previous} is the value before the change when known. PROGRESS carries only a revision: all
 * changes up to it have been delivered. ERROR carries the failure; the watch ends after it.
 */
public record WatchEvent(Type type, KeyValue current, KeyValue previous, long revision, StorageException error) {

    public enum Type { ADDED, MODIFIED, DELETED, PROGRESS, ERROR }

    public static WatchEvent progress(long revision) {
        return new WatchEvent(Type.PROGRESS, null, null, revision, null);
    }

    public static WatchEvent error(StorageException error) {
        return new WatchEvent(Type.ERROR, null, null, 0, error);
    }
}

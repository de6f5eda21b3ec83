package dev.kapi.apiserver.registry;

/**
 * One event of an API watch as it goes on the wire: {@code {"type": ..., "object": ...}} with type
 * ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (then the object is a Status). {@code encoded}, when set,
 * holds the object's JSON shared by every watcher that receives the same change, so a change fanned out
 * to a thousand watchers is decoded and encoded once.
 */
public record ApiWatchEvent(String type, Object object, SharedObject encoded) {

    public ApiWatchEvent(String type, Object object) {
        this(type, object, null);
    }
}

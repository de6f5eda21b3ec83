package dev.kapi.apiserver.registry;

/**
 * One event of an API watch as it goes on the wire: {@code {"type": ..., "object": ...}} with type
 * ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (then the object is a Status).
 */
public record ApiWatchEvent(String type, Object object) {
}

package dev.kapi.apiserver.storage;

/**
 * One stored entry: its key, the object's JSON and the revisions at which the key was created and last
 * modified. {@code modRevision} is the object's resourceVersion.
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
}

package dev.kapi.apiserver.registry;

/**
 * What a delete that names no propagation does to the object's dependents (kube's
 * {@code rest.GarbageCollectionPolicy}, a strategy's {@code DefaultGarbageCollectionPolicy}): the garbage
 * collector deletes them once the object is gone ({@link #DELETE_DEPENDENTS}, Background), or the object gets
 * the {@code orphan} finalizer and they are released first ({@link #ORPHAN_DEPENDENTS}, kept by the served
 * versions of jobs and replicationcontrollers for their clients of before server-side cascading), or the resource
 * takes no part in garbage collection ({@link #UNSUPPORTED}, kube's Events): a delete never leaves a GC finalizer
 * on it, whatever its options say, since nothing would remove it.
 */
public enum GarbageCollectionPolicy {
    DELETE_DEPENDENTS,
    ORPHAN_DEPENDENTS,
    UNSUPPORTED
}

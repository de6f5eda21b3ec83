package dev.kapi.apiserver.registry.rest;

/**
 * The object an update writes, computed from the current one (kube's {@code rest.UpdatedObjectInfo}): PUT
 * returns its body, PATCH applies its patch, a writer of the server changes what it needs. Called again
 * with the newer object when a concurrent write won the compare-and-swap.
 */
@FunctionalInterface
public interface UpdatedObject<T> {

    /** @param current a copy of the stored object (or of its view, a Scale), free to change and return */
    T updated(T current);
}

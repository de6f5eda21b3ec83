package dev.kapi.apiserver.registry.informer;

/**
 * What an {@link Informer} tells about its resource (kube's {@code ResourceEventHandler}), on the informer's
 * own thread, one call at a time, in the order of the store's revisions. Each change is told once: an object
 * first seen is added, a newer resourceVersion of a known object is an update, a known object gone is a
 * delete (after a re-list, its last known state). A resync tells every cached object again as an update
 * whose old and new object are the same one.
 *
 * <p>A handler must be quick and must not block or call storage: it reads the objects it is given, or the
 * informer's cache, and hands work on (a controller puts a key in its work queue). The objects are shared by
 * every handler, the cache and the watches that delivered them: never change them. A handler that throws is
 * logged; the informer goes on.
 */
public interface EventHandler<T> {

    default void onAdd(T obj) {
    }

    default void onUpdate(T oldObj, T newObj) {
    }

    default void onDelete(T obj) {
    }

    /**
     * Called after each batch of changes delivered together: the events one watch read returned, the
     * differences one list found, or one resync. A handler that keeps a derived view may publish it here
     * once per batch (the RBAC policy replaces a re-listed kind in one step).
     */
    default void onBatchEnd() {
    }
}

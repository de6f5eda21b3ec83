package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Lists of every object of a resource at resourceVersion 0 (what its watch cache holds), decoded without
 * managedFields, shared by the informers that ask at the same moment: one list and one decoding for all of them.
 * After a restart the informers of the controllers, the garbage collector, the quota controller and the token
 * lookup all wait for the Pods' cache and list its Pods as it becomes ready; each decoding them on its own was most
 * of the restart's CPU.
 *
 * <p>A list at resourceVersion 0 may be answered at any revision, so joining one that is under way answers it
 * correctly (a consistent list could not be shared: it must see every write acknowledged before it started). The
 * objects are shared by the informers, as a watch event's object is: each informer's transform copies what it
 * keeps, and nothing changes them.
 */
final class SharedLists {

    private static final Map<Store<?>, CompletableFuture<ListPage<?>>> UNDER_WAY = new ConcurrentHashMap<>();

    private SharedLists() {
    }

    /**
     * {@code store.listWithoutManagedFields(null, params)} for {@code params} asking for every object at
     * resourceVersion 0, or the answer of such a list of {@code store} under way.
     */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> ListPage<T> list(Store<T> store, ListParams<T> params)
            throws InterruptedException {
        if (params.filter() != null || !"0".equals(params.resourceVersion()) || params.limit() > 0) {
            throw new IllegalArgumentException("only a list of every object at resourceVersion 0 is shared");
        }
        CompletableFuture<ListPage<?>> mine = new CompletableFuture<>();
        CompletableFuture<ListPage<?>> underWay = UNDER_WAY.putIfAbsent(store, mine);
        if (underWay != null) {
            return (ListPage<T>) join(underWay);
        }
        try {
            ListPage<T> page = store.listWithoutManagedFields(null, params);
            mine.complete(page);
            return page;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            UNDER_WAY.remove(store, mine);
        }
    }

    private static ListPage<?> join(CompletableFuture<ListPage<?>> underWay) throws InterruptedException {
        try {
            return underWay.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e.getCause();
        }
    }

    /** How many lists are under way (for tests). */
    static int underWay() {
        return UNDER_WAY.size();
    }
}

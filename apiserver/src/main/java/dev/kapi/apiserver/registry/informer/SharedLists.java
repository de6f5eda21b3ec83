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
 * Lists of every object of a resource, decoded without managedFields, shared by the informers that ask at the same
 * moment: one list and one decoding for all of them. After a restart the informers of the controllers, the
 * garbage collector, the quota controller and the token lookups all wait for the Pods' cache and list its Pods as
 * it becomes ready; each decoding them on its own was most of the restart's CPU.
 *
 * <p>Each caller says the revision its list must not be older than (storage's revision when it began), so the
 * answer of a list under way serves it when that answer's revision is that one or later; otherwise, or when that
 * list failed, it lists on its own. The objects are shared by the informers, as a watch event's object is: each informer's transform
 * copies what it keeps, and nothing changes them.
 */
final class SharedLists {

    private static final Map<Store<?>, CompletableFuture<ListPage<?>>> UNDER_WAY = new ConcurrentHashMap<>();

    private SharedLists() {
    }

    /**
     * {@code store.listWithoutManagedFields(null, params)} for {@code params} asking for every object (no filter,
     * no limit), or the answer of such a list of {@code store} under way when it is at {@code atLeast} or later.
     */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> ListPage<T> list(Store<T> store, ListParams<T> params, long atLeast)
            throws InterruptedException {
        if (params.filter() != null || params.limit() > 0) {
            throw new IllegalArgumentException("only a list of every object is shared");
        }
        CompletableFuture<ListPage<?>> mine = new CompletableFuture<>();
        CompletableFuture<ListPage<?>> underWay = UNDER_WAY.putIfAbsent(store, mine);
        if (underWay != null) {
            ListPage<?> joined = join(underWay);
            if (joined != null && Long.parseLong(joined.resourceVersion()) >= atLeast) {
                return (ListPage<T>) joined;
            }
            return store.listWithoutManagedFields(null, params); // too old, or it failed (its informer closed?)
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

    /** The answer of the list under way, or null when it failed. */
    private static ListPage<?> join(CompletableFuture<ListPage<?>> underWay) throws InterruptedException {
        try {
            return underWay.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** How many lists are under way (for tests). */
    static int underWay() {
        return UNDER_WAY.size();
    }
}

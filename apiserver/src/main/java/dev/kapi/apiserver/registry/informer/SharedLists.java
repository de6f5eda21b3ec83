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
 * Lists of every object of a resource not older than a revision, decoded without managedFields, shared by the
 * informers that ask at the same moment: one list and one decoding for all of them. After a restart the informers
 * of the controllers, the garbage collector, the quota controller and the token lookup all wait for the Pods'
 * cache and list its Pods as it becomes ready; each decoding them on its own was most of the restart's CPU.
 *
 * <p>A list not older than R may be answered at any revision from R on, so the answer of a list under way serves
 * it when that answer's revision is R or later; otherwise it lists on its own. The objects are shared by the
 * informers, as a watch event's object is: each informer's transform copies what it keeps, and nothing changes
 * them.
 */
final class SharedLists {

    /** The resourceVersionMatch of the lists shared. */
    static final String NOT_OLDER_THAN = "NotOlderThan";
    private static final Map<Store<?>, CompletableFuture<ListPage<?>>> UNDER_WAY = new ConcurrentHashMap<>();

    private SharedLists() {
    }

    /**
     * {@code store.listWithoutManagedFields(null, params)} for {@code params} asking for every object not older
     * than a revision, or the answer of such a list of {@code store} under way when it is recent enough.
     */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> ListPage<T> list(Store<T> store, ListParams<T> params)
            throws InterruptedException {
        if (params.filter() != null || !NOT_OLDER_THAN.equals(params.resourceVersionMatch()) || params.limit() > 0) {
            throw new IllegalArgumentException("only a list of every object not older than a revision is shared");
        }
        long atLeast = Long.parseLong(params.resourceVersion());
        CompletableFuture<ListPage<?>> mine = new CompletableFuture<>();
        CompletableFuture<ListPage<?>> underWay = UNDER_WAY.putIfAbsent(store, mine);
        if (underWay != null) {
            ListPage<?> joined = join(underWay);
            if (Long.parseLong(joined.resourceVersion()) >= atLeast) {
                return (ListPage<T>) joined;
            }
            return store.listWithoutManagedFields(null, params);
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

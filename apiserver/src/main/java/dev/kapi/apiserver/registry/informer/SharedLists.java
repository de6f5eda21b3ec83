package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Lists of every object of a resource, decoded without managedFields, shared by the informers that wait for the
 * resource's watch cache at the same time: one wait, one list and one decoding for all of them. After a restart the
 * informers of the controllers, the garbage collector, the quota controller and the token lookups all wait for the
 * Pods' cache; each decoding them on its own was most of the restart's CPU.
 *
 * <p>Each caller says the revision its list must not be older than (storage's revision when it began). The first
 * caller of a resource leads a group: it waits until the cache has reached the highest revision the group's
 * callers asked for (callers join while it waits and may raise it), then lists not older than that, and every
 * caller takes the answer. A caller that comes while the group lists joins it when the group's revision is its own
 * or later; else it leads a new group, which gathers until the list under way has ended (one list of a resource at
 * a time, but for the lists of failed groups' members: the informers that start while one decodes share the next).
 * When the cache is not there in time, the leader lists at the current revision (a consistent list, newer than
 * every member's), still shared. A member waits for
 * its leader's wait and list, however long its own informer's {@code cacheWait}; one whose group failed (its
 * leader's informer closed, or storage) lists on its own, consistently.
 *
 * <p>The objects are shared by the informers, as a watch event's object is: each informer's transform copies what
 * it keeps, and nothing changes them.
 */
final class SharedLists {

    /**
     * How a group's leader waits: true once the cache answers lists not older than the revision from memory; false
     * for a consistent list instead.
     */
    @FunctionalInterface
    interface CacheWait {
        boolean reached(long revision) throws InterruptedException;
    }

    /** The informers of one resource listing together. */
    private static final class Group {
        final CompletableFuture<ListPage<?>> answer = new CompletableFuture<>();
        /** The revision the list must not be older than (guarded by GROUPS). */
        long revision;
        /** Whether callers may still raise {@link #revision} (guarded by GROUPS). */
        boolean gathering = true;
        /**
         * The group listing when this one began, whose end this one's leader waits for (then null: the answers of
         * earlier groups are not kept reachable); null if none. Only the leader's thread uses it.
         */
        Group listing;

        Group(long revision, Group listing) {
            this.revision = revision;
            this.listing = listing;
        }
    }

    /** The latest group of each resource's store, while it waits or lists. */
    private static final Map<Store<?>, Group> GROUPS = new HashMap<>();

    private SharedLists() {
    }

    /**
     * Every object of {@code store}, decoded without managedFields, at {@code atLeast} or later: the answer of a
     * group's list, as described above.
     */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> ListPage<T> list(Store<T> store, long atLeast, CacheWait wait)
            throws InterruptedException {
        Group group;
        boolean leader = false;
        synchronized (GROUPS) {
            group = GROUPS.get(store);
            if (group != null && (group.gathering || group.revision >= atLeast)) {
                group.revision = Math.max(group.revision, atLeast);
            } else {
                group = new Group(atLeast, group);
                GROUPS.put(store, group);
                leader = true;
            }
        }
        if (!leader) {
            ListPage<?> joined = join(group);
            return joined != null ? (ListPage<T>) joined : store.listWithoutManagedFields(null, consistent());
        }
        try {
            ListPage<T> page = store.listWithoutManagedFields(null, awaitCache(group, wait));
            group.answer.complete(page);
            return page;
        } catch (InterruptedException | RuntimeException | Error e) {
            group.answer.completeExceptionally(e);
            throw e;
        } finally {
            synchronized (GROUPS) {
                GROUPS.remove(store, group);
            }
        }
    }

    /** The leader's wait, until the cache reached the group's revision as it last stood: what to list then. */
    private static <T extends HasMetadata> ListParams<T> awaitCache(Group group, CacheWait wait)
            throws InterruptedException {
        if (group.listing != null) {
            join(group.listing);
            group.listing = null;
        }
        while (true) {
            long revision;
            synchronized (GROUPS) {
                revision = group.revision;
            }
            boolean reached = wait.reached(revision);
            synchronized (GROUPS) {
                if (!reached || group.revision == revision) {
                    group.gathering = false;
                    return reached ? new ListParams<>(null, Long.toString(revision), "NotOlderThan", 0, null)
                            : consistent();
                }
            }
        }
    }

    private static <T extends HasMetadata> ListParams<T> consistent() {
        return new ListParams<>(null, "", "", 0, null);
    }

    /** The answer of the group's list, or null when it failed. */
    private static ListPage<?> join(Group group) throws InterruptedException {
        try {
            return group.answer.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** How many groups wait or list (for tests). */
    static int underWay() {
        synchronized (GROUPS) {
            return GROUPS.size();
        }
    }
}

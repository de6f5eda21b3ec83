package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The lists of an {@link Informer}: every object it follows, at the current revision (a consistent list). While
 * the resource's watch cache is still priming, the list first reads storage's current revision R, waits for the
 * cache (up to {@link InformerOptions#cacheWait}) and then asks for a list not older than R, which the cache
 * answers from memory once it reached R: it sees every write made before the list began, as a consistent list
 * would, without asking etcd for its revision again.
 *
 * <p>Why: after a restart every informer lists at once. Reading all of etcd beside the caches' own priming lists
 * slowed both; and a consistent list from a just primed cache needs etcd's current revision, which a busy etcd may
 * not answer in time, and the cache then passes the whole list to etcd.
 *
 * <p>An informer whose transform drops managedFields gets objects decoded without them (kube's controllers drop
 * them; they are often most of an object's decoding), and its lists not older than a revision are shared with
 * the other informers of the resource listing at the same moment ({@link SharedLists}).
 */
final class InformerLists<T extends HasMetadata> {

    private static final Logger LOG = LoggerFactory.getLogger(InformerLists.class);

    private final Store<T> store;
    private final String name;
    private final Predicate<T> filter;
    private final Duration cacheWait;
    private final boolean managedFields;

    /**
     * @param name          the informer's, for the log
     * @param filter        what the informer follows, null for all
     * @param managedFields whether the objects keep their managedFields
     */
    InformerLists(Store<T> store, String name, Predicate<T> filter, Duration cacheWait, boolean managedFields) {
        this.store = store;
        this.name = name;
        this.filter = filter;
        this.cacheWait = cacheWait;
        this.managedFields = managedFields;
    }

    /** Every object the informer follows, as described above. */
    ListPage<T> list() throws InterruptedException {
        ListParams<T> params = params();
        if (managedFields) {
            return store.list(null, params);
        }
        if (filter == null && SharedLists.NOT_OLDER_THAN.equals(params.resourceVersionMatch())) {
            return SharedLists.list(store, params);
        }
        return store.listWithoutManagedFields(null, params);
    }

    private ListParams<T> params() throws InterruptedException {
        ListParams<T> current = new ListParams<>(filter, "", "", 0, null);
        if (cacheWait.isZero() || store.awaitCached(Duration.ZERO)) {
            return current;
        }
        long before = store.currentRevision();
        if (store.awaitCached(cacheWait)) {
            return new ListParams<>(filter, Long.toString(before), SharedLists.NOT_OLDER_THAN, 0, null);
        }
        LOG.info("informer {}: the watch cache was not primed within {} ms; listing from storage", name,
                cacheWait.toMillis());
        return current;
    }
}

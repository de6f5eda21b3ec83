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
 * cache to be primed and to reach R (up to {@link InformerOptions#cacheWait}), and then asks for a list not older
 * than R, which the cache answers from memory at once: it sees every write made before the list began, as a
 * consistent list would, and needs no second round trip to etcd.
 *
 * <p>Why: after a restart every informer lists at once. Reading all of etcd beside the caches' own priming lists
 * slowed both; and a consistent list from a just primed cache needs etcd's current revision, which a busy etcd may
 * not answer in time, and the cache then passes the whole list to etcd. A cache that is not there in time (or
 * cannot tell that it reached R: an etcd before 3.4.31 that is written outside Kapi's prefix) gets a consistent
 * list, as before.
 *
 * <p>An informer whose transform drops managedFields gets objects decoded without them (kube's controllers drop
 * them; they are often most of an object's decoding), and, when it waited, its list is shared with the other
 * informers of the resource listing at the same moment ({@link SharedLists}).
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
        ListParams<T> consistent = new ListParams<>(filter, "", "", 0, null);
        if (cacheWait.isZero() || store.awaitCached(0, Duration.ZERO)) {
            return decoded(consistent);
        }
        long before = store.currentRevision();
        ListParams<T> params = consistent;
        if (store.awaitCached(before, cacheWait)) {
            params = new ListParams<>(filter, Long.toString(before), "NotOlderThan", 0, null);
        } else {
            LOG.info("informer {}: the watch cache did not reach revision {} within {} ms; listing from storage",
                    name, before, cacheWait.toMillis());
        }
        return managedFields || filter != null ? decoded(params) : SharedLists.list(store, params, before);
    }

    private ListPage<T> decoded(ListParams<T> params) {
        return managedFields ? store.list(null, params) : store.listWithoutManagedFields(null, params);
    }
}

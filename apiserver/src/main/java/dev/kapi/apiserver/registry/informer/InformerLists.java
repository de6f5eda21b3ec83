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
 * not answer in time, and the cache then passes the whole list to etcd. A cache that is not there in time gets a
 * consistent list, as before; so does one that cannot tell it reached R (an etcd before 3.4.31, which is not asked
 * for progress, when the cache stood still below R for a few seconds: R may be a write outside Kapi's prefix).
 *
 * <p>An informer whose transform drops managedFields gets objects decoded without them (kube's controllers drop
 * them; they are often most of an object's decoding). Its lists, primed cache or not, are shared with the other
 * such informers of the resource listing about the same time ({@link SharedLists}): after a restart, informers of
 * the Pods that start one after another each decoded every Pod on their own. With the cache primed such a list
 * still reads R and waits for the cache to reach it, as a consistent read from the cache would.
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
        boolean shared = !managedFields && filter == null;
        if (!shared && (cacheWait.isZero() || store.awaitCached(0, Duration.ZERO))) {
            return decoded(consistent);
        }
        long before = store.currentRevision();
        long start = System.nanoTime();
        if (shared) {
            return SharedLists.list(store, before, cacheWait.isZero() ? revision -> false
                    : revision -> reached(revision, start));
        }
        return decoded(reached(before, start)
                ? new ListParams<>(filter, Long.toString(before), "NotOlderThan", 0, null) : consistent);
    }

    /** Whether the cache reached {@code revision} within {@link #cacheWait} of {@code start} (logged when not). */
    private boolean reached(long revision, long start) throws InterruptedException {
        long left = cacheWait.toNanos() - (System.nanoTime() - start);
        if (store.awaitCached(revision, Duration.ofNanos(Math.max(left, 0)))) {
            return true;
        }
        LOG.info("informer {}: the watch cache was not there at revision {} after {} ms (at most {} ms);"
                + " listing from storage", name, revision, (System.nanoTime() - start) / 1_000_000,
                cacheWait.toMillis());
        return false;
    }

    private ListPage<T> decoded(ListParams<T> params) {
        return managedFields ? store.list(null, params) : store.listWithoutManagedFields(null, params);
    }
}

package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountLookup;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PartialObjectMetadata;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link ServiceAccountLookup} of the server: an {@link Informer} per kind (ServiceAccount, Pod, Secret,
 * Node) that keeps only each object's namespace, name, uid and deletionTimestamp. A token whose objects a
 * watching informer knows is answered from memory; anything it does not confirm (not synced yet, its watch
 * failed and not re-listed yet, an object created a moment ago, a uid that differs) is checked by reading the
 * store, as kube's token getter falls back from its informers to a live GET.
 */
public final class WatchedServiceAccountLookup implements ServiceAccountLookup, AutoCloseable {

    private final BoundObjects objects;
    private final Map<String, Informer<HasMetadata>> informers = new HashMap<>();

    public WatchedServiceAccountLookup(BoundObjects objects) {
        this.objects = objects;
        for (String kind : BoundObjects.RESOURCES.keySet()) {
            informers.put(kind, new Informer<>(objects.store(kind), "token-lookup", InformerOptions.DEFAULTS,
                    WatchedServiceAccountLookup::identity));
        }
    }

    /** Starts the informers; until a kind is synced its lookups read the store. */
    public WatchedServiceAccountLookup start() {
        informers.values().forEach(Informer::start);
        return this;
    }

    @Override
    public boolean exists(String kind, String namespace, String name, String uid, Instant deletedBefore) {
        Informer<HasMetadata> informer = informers.get(kind);
        if (informer == null) {
            return false;
        }
        if (informer.hasSynced() && informer.isWatching()) {
            HasMetadata known = informer.cache().get(namespace, name);
            if (known != null && uid.equals(known.getMetadata().getUid())) {
                // a deletionTimestamp is never taken back: one the cache has is final
                return !deletedBefore(known, deletedBefore);
            }
        }
        try {
            HasMetadata obj = objects.get(kind, namespace, name);
            return uid.equals(obj.getMetadata().getUid()) && !deletedBefore(obj, deletedBefore);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static boolean deletedBefore(HasMetadata obj, Instant cutoff) {
        String deleted = obj.getMetadata().getDeletionTimestamp();
        return deleted != null && Instant.parse(deleted).isBefore(cutoff);
    }

    /** Whether every kind's informer has its initial state (for tests and readiness). */
    public boolean synced() {
        return informers.values().stream().allMatch(Informer::hasSynced);
    }

    /**
     * Stops the informers: their watches end and their threads are interrupted (a storage call they wait in
     * ends at once); waits for nothing. No lock: lookups read the informers' lock-free caches.
     */
    @Override
    public void close() {
        Informer.closeAll(informers.values(), Duration.ZERO);
    }

    /**
     * What a lookup needs of an object: its namespace, name, uid and deletionTimestamp (and resourceVersion, for
     * the informer).
     */
    private static HasMetadata identity(HasMetadata obj) {
        ObjectMeta m = obj.getMetadata();
        ObjectMeta kept = new ObjectMeta();
        kept.setNamespace(m.getNamespace());
        kept.setName(m.getName());
        kept.setUid(m.getUid());
        kept.setDeletionTimestamp(m.getDeletionTimestamp());
        kept.setResourceVersion(m.getResourceVersion());
        PartialObjectMetadata partial = new PartialObjectMetadata();
        partial.setMetadata(kept);
        return partial;
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.Storage;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link Store} per served resource, all on the same storage (each behind what the
 * {@link StorageDecorator} puts in front of it for its resource) and key prefix, following the
 * {@link ResourceRegistry} as it changes: the stores are derived from one registry snapshot at a time
 * (again after each change, keeping the store of every definition still served), so a {@link #lookup}
 * always answers a definition together with its store, never one without the other. The store of a
 * definition no longer served (unregistered or replaced) is retired: its open watches end.
 */
public final class StoreRegistry {

    /** A served resource and the store that serves it, from the same registry snapshot. */
    public record Served<T extends HasMetadata>(ResourceDefinition<T> definition, Store<T> store) {
    }

    private record Stores(ResourceRegistry.Snapshot snapshot, Map<ResourceDefinition<?>, Store<?>> byDefinition) {
    }

    private final ResourceRegistry resources;
    private final Storage storage;
    private final String keyPrefix;
    private final StorageDecorator decorator;
    private volatile Stores current;

    /** Stores on {@code storage} itself, undecorated. */
    public StoreRegistry(ResourceRegistry resources, Storage storage, String keyPrefix) {
        this(resources, storage, keyPrefix, StorageDecorator.NONE);
    }

    /** Stores each on the storage {@code decorator} puts in front of {@code storage} for its resource. */
    public StoreRegistry(ResourceRegistry resources, Storage storage, String keyPrefix, StorageDecorator decorator) {
        this.resources = resources;
        this.storage = storage;
        this.keyPrefix = keyPrefix;
        this.decorator = decorator;
        ResourceRegistry.Snapshot s = resources.snapshot();
        this.current = new Stores(s, storesOf(s, Map.of()));
        resources.addListener((before, after) -> advance()); // retire at once, not on the next lookup
    }

    /** The one place a store is made, and where its resource's storage is decorated. */
    private <T extends HasMetadata> Store<T> create(ResourceDefinition<T> d) {
        return new Store<>(d, decorator.decorate(d, storage), keyPrefix);
    }

    public ResourceRegistry resources() {
        return resources;
    }

    /** The resource served at this path with its store, empty when none is served. */
    @SuppressWarnings("unchecked")
    public Optional<Served<HasMetadata>> lookup(String group, String version, String resource) {
        Stores s = stores();
        return s.snapshot().find(group, version, resource).map(d -> new Served<>(
                (ResourceDefinition<HasMetadata>) d, (Store<HasMetadata>) s.byDefinition().get(d)));
    }

    /** The store of {@code definition}, or null when that very definition is not served (any more). */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> Store<T> store(ResourceDefinition<T> definition) {
        return (Store<T>) stores().byDefinition().get(definition);
    }

    /** The store of a served resource holding {@code type}; empty when the resource is not served. */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> Optional<Store<T>> find(String group, String version, String resource,
                                                           Class<T> type) {
        return lookup(group, version, resource).map(served -> {
            if (served.definition().type() != type) {
                throw new IllegalArgumentException(resource + " holds " + served.definition().type().getSimpleName());
            }
            return (Store<T>) served.store();
        });
    }

    /** Every store of a namespaced resource served now (used to empty a deleted namespace). */
    public List<Store<?>> namespacedStores() {
        Stores s = stores();
        return s.snapshot().all().stream().filter(ResourceDefinition::namespaced)
                .<Store<?>>map(d -> s.byDefinition().get(d)).toList();
    }

    /** The stores of the registry's current snapshot, derived from the previous ones when it changed. */
    private Stores stores() {
        Stores s = current;
        return s.snapshot() == resources.snapshot() ? s : advance();
    }

    /**
     * Derives the stores of the registry's current snapshot (the registry only moves forward, so it is never
     * older than {@code current}'s) and retires those of definitions it no longer serves. Every store is
     * created and dropped here, under this lock, so none escapes retirement.
     */
    private synchronized Stores advance() {
        Stores before = current;
        ResourceRegistry.Snapshot now = resources.snapshot();
        if (before.snapshot() == now) {
            return before;
        }
        Stores after = new Stores(now, storesOf(now, before.byDefinition()));
        current = after;
        before.byDefinition().forEach((d, store) -> {
            if (!after.byDefinition().containsKey(d)) {
                store.watcher().retire();
            }
        });
        return after;
    }

    private Map<ResourceDefinition<?>, Store<?>> storesOf(ResourceRegistry.Snapshot snapshot,
                                                          Map<ResourceDefinition<?>, Store<?>> previous) {
        Map<ResourceDefinition<?>, Store<?>> stores = new IdentityHashMap<>();
        for (ResourceDefinition<?> d : snapshot.all()) {
            Store<?> kept = previous.get(d);
            stores.put(d, kept != null ? kept : create(d));
        }
        return Collections.unmodifiableMap(stores);
    }
}

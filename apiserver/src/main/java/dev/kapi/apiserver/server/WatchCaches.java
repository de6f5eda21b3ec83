package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.cacher.CacheStats;
import dev.kapi.apiserver.storage.cacher.Cacher;
import dev.kapi.apiserver.storage.cacher.CacherOptions;
import dev.kapi.apiserver.storage.cacher.FieldIndexers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The watch caches of the server: one {@link Cacher} per stored resource (per key prefix), put in front of its
 * storage as the outermost {@link StorageDecorator} (encryption and the storage timing stay nearest the backend,
 * so the cache holds what the store reads: decrypted values). Served versions of one resource (autoscaling v1
 * and v2, core and events.k8s.io Events) and a custom resource whose definition changes keep their prefix and
 * therefore share one cache, which outlives the store that first asked for it; all are closed with the server.
 */
public final class WatchCaches implements StorageDecorator, AutoCloseable {

    private final WatchCacheOptions options;
    private final String storagePrefix;
    private final BiConsumer<String, Cacher> created;
    private final Map<String, Cacher> byPrefix = new ConcurrentHashMap<>();

    /** @param created told of each new cache with its resource's name ({@code pods}, {@code deployments.apps}) */
    WatchCaches(WatchCacheOptions options, String storagePrefix, BiConsumer<String, Cacher> created) {
        this.options = options;
        this.storagePrefix = storagePrefix;
        this.created = created;
    }

    @Override
    public Storage decorate(ResourceDefinition<?> definition, Storage storage) {
        if (!options.cached(definition.group(), definition.resource())) {
            return storage;
        }
        String prefix = definition.keyPrefix(storagePrefix);
        String name = definition.group().isEmpty() ? definition.resource()
                : definition.resource() + "." + definition.group();
        return byPrefix.computeIfAbsent(prefix, p -> {
            Cacher cacher = new Cacher(storage, p,
                    CacherOptions.DEFAULTS.withResource(name).withIndexers(indexers(definition)));
            created.accept(name, cacher);
            return cacher;
        });
    }

    /**
     * The fields the cache indexes for a resource ({@code ResourceStrategy.indexedFields()}: pods'
     * {@code spec.nodeName}, as kube-apiserver's cacher); the namespace needs no index: it is part of the key.
     */
    private static Map<String, Function<byte[], String>> indexers(ResourceDefinition<?> definition) {
        Map<String, Function<byte[], String>> indexers = new LinkedHashMap<>();
        for (String field : definition.strategy().indexedFields()) {
            indexers.put(field, FieldIndexers.jsonPath(field));
        }
        return indexers;
    }

    /** The statistics of every cache, for metrics and tests. */
    public List<CacheStats> stats() {
        return byPrefix.values().stream().map(Cacher::stats).toList();
    }

    @Override
    public void close() {
        byPrefix.values().forEach(Cacher::close);
        byPrefix.clear();
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.Storage;

/**
 * What stands between a resource's {@link Store} and the storage backend: given the resource and the
 * backend, the {@link Storage} its store uses (kube's {@code StorageDecorator}, with which the watch cache
 * is put in front of etcd for each resource). The default, {@link #NONE}, is the backend itself. A decorator
 * must keep the whole storage contract (the shared contract suite runs against a decorated storage too);
 * {@code storage.ForwardingStorage} passes through what it does not change.
 *
 * <p>{@link StoreRegistry} calls it once per store it creates, under its lock, so it must return at once
 * (start any work of its own asynchronously) and must not call the registries. The storage it answers is
 * never closed by the registry: the backend is closed once, by its owner.
 *
 * <p>Example: {@code (definition, storage) -> definition.resource().equals("pods") ? new PodCache(storage)
 * : storage} caches pods and leaves every other resource on the backend.
 */
@FunctionalInterface
public interface StorageDecorator {

    /** Every resource reads and writes the backend directly. */
    StorageDecorator NONE = (definition, storage) -> storage;

    /** The storage the store of {@code definition} uses, in front of (or equal to) {@code storage}. */
    Storage decorate(ResourceDefinition<?> definition, Storage storage);
}

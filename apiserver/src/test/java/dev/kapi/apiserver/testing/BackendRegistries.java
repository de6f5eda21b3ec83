package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The built-in resources' stores on both backends, for registry tests that run each case on each: "etcd" (the
 * test etcd of {@link EtcdExtension}, a prefix of its own) and "sqlite" (an embedded store in {@code dir}).
 */
public final class BackendRegistries implements AutoCloseable {

    public static final List<String> NAMES = List.of("etcd", "sqlite");

    private final List<Storage> opened;
    private final Map<String, StoreRegistry> registries;

    private BackendRegistries(Storage etcd, Storage sqlite) {
        this.opened = List.of(etcd, sqlite);
        this.registries = Map.of("etcd", registry(etcd, EtcdExtension.randomPrefix()),
                "sqlite", registry(sqlite, "/registry"));
    }

    /** Opens both; the embedded store's file is {@code dir/<file>}. */
    public static BackendRegistries open(Path dir, String file) {
        return new BackendRegistries(EtcdStorage.connect(EtcdExtension.endpoints()),
                SqliteStorage.open(dir.resolve(file)));
    }

    /** The stores on backend {@code name} (one of {@link #NAMES}). */
    public StoreRegistry get(String name) {
        return registries.get(name);
    }

    private static StoreRegistry registry(Storage storage, String prefix) {
        return TestStores.of(storage, prefix);
    }

    @Override
    public void close() {
        opened.forEach(Storage::close);
    }
}

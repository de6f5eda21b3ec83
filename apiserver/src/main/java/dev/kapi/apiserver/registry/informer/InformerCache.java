package dev.kapi.apiserver.registry.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects an {@link Informer} holds, by namespace and name (kube's indexer with its namespace index).
 * Reads take no lock and may run on any thread; only the informer's thread writes. A read sees each object as
 * of some moment, not one snapshot of the whole: a list taken while the informer applies a change may hold
 * that change for some objects only. The objects are shared: never change them.
 */
public final class InformerCache<T extends HasMetadata> {

    private static final String CLUSTER = "";

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, T>> byNamespace = new ConcurrentHashMap<>();

    /** The object, or null; {@code namespace} null or "" for a cluster-scoped one. */
    public T get(String namespace, String name) {
        Map<String, T> names = byNamespace.get(namespace == null ? CLUSTER : namespace);
        return names == null ? null : names.get(name);
    }

    /** Every object. */
    public List<T> list() {
        List<T> out = new ArrayList<>();
        byNamespace.values().forEach(names -> out.addAll(names.values()));
        return out;
    }

    /** The objects of one namespace. */
    public List<T> list(String namespace) {
        Map<String, T> names = byNamespace.get(namespace == null ? CLUSTER : namespace);
        return names == null ? List.of() : List.copyOf(names.values());
    }

    public int size() {
        return byNamespace.values().stream().mapToInt(Map::size).sum();
    }

    /** kube's {@code MetaNamespaceKeyFunc}: {@code namespace/name}, or {@code name} for a cluster-scoped object. */
    public static String key(HasMetadata obj) {
        String namespace = obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** Stores the object; the one it replaces, or null. */
    T put(T obj) {
        return byNamespace.computeIfAbsent(namespaceOf(obj), ns -> new ConcurrentHashMap<>())
                .put(obj.getMetadata().getName(), obj);
    }

    /** Removes the object of that namespace and name; the one removed, or null. */
    T remove(T obj) {
        String namespace = namespaceOf(obj);
        ConcurrentHashMap<String, T> names = byNamespace.get(namespace);
        if (names == null) {
            return null;
        }
        T removed = names.remove(obj.getMetadata().getName());
        if (names.isEmpty()) {
            byNamespace.remove(namespace, names); // only this thread writes: nothing was put in meanwhile
        }
        return removed;
    }

    private static String namespaceOf(HasMetadata obj) {
        String namespace = obj.getMetadata().getNamespace();
        return namespace == null ? CLUSTER : namespace;
    }
}

package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.CompactCopies;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One informer per resource for all the controllers of a {@link ControllerManager} (kube's
 * SharedInformerFactory): the first controller that asks for a resource's informer creates it, the others get
 * the same one and add their handlers to it. Every informer is asked for, and its handlers added, before
 * {@link ControllerManager#start} starts them. The informers keep {@link CompactCopies} (no managedFields, as
 * kube's controller manager and scheduler keep them), one per object version however many components follow it.
 *
 * <p>Example: {@code informers.of("apps", "v1", "replicasets", ReplicaSet.class)} in the Deployment and the
 * ReplicaSet controllers: one list and one watch of ReplicaSets, each controller told of every change.
 */
public final class SharedInformers {

    private final StoreRegistry stores;
    private final Map<String, Informer<?>> informers = new LinkedHashMap<>();

    public SharedInformers(StoreRegistry stores) {
        this.stores = stores;
    }

    /** The shared informer of a built-in resource (the version's store), created at the first call. */
    public synchronized <T extends HasMetadata> Informer<T> of(String group, String version, String resource,
                                                               Class<T> type) {
        @SuppressWarnings("unchecked")
        Informer<T> informer = (Informer<T>) informers.computeIfAbsent(group + "/" + resource,
                k -> new Informer<>(store(group, version, resource, type), "controllers", InformerOptions.DEFAULTS,
                        CompactCopies.sharedTransform()));
        return informer;
    }

    /**
     * The shared informer of the objects of a built-in resource that {@code filter} selects (kube's filtered
     * informer factory), one per {@code selector}, which names what the filter selects (as a field or label
     * selector would read).
     */
    public synchronized <T extends HasMetadata> Informer<T> selected(String group, String version, String resource,
                                                                     Class<T> type, String selector,
                                                                     Predicate<T> filter) {
        @SuppressWarnings("unchecked")
        Informer<T> informer = (Informer<T>) informers.computeIfAbsent(group + "/" + resource + "?" + selector,
                k -> new Informer<>(store(group, version, resource, type), "controllers", InformerOptions.DEFAULTS,
                        filter, CompactCopies.sharedTransform()));
        return informer;
    }

    /** The store of a built-in resource, for the reads an informer's cache cannot answer and for writes. */
    public <T extends HasMetadata> Store<T> store(String group, String version, String resource, Class<T> type) {
        return stores.find(group, version, resource, type)
                .orElseThrow(() -> new IllegalStateException("the controllers need " + group + "/" + resource));
    }

    synchronized List<Informer<?>> all() {
        return new ArrayList<>(informers.values());
    }
}

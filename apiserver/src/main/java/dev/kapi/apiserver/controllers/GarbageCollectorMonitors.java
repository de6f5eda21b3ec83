package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.CompactCopies;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The garbage collector's monitors (kube's {@code GraphBuilder.monitors}): one informer for every resource
 * served that may be listed, watched and deleted, one version per group/resource, events excepted as in kube
 * ({@code DefaultIgnoredResources}), keeping only the metadata the graph reads. It follows the
 * {@link ResourceRegistry}: a custom resource served at run time gets its monitor at once, one no longer served
 * loses it, and a replaced definition (a CRD changed) gets a new one on its new store.
 */
final class GarbageCollectorMonitors implements AutoCloseable {

    private static final Set<GroupResource> IGNORED = Set.of(new GroupResource("", "events"),
            new GroupResource("events.k8s.io", "events"));

    private final StoreRegistry stores;
    private final GarbageCollectorGraph graph;
    private final Map<GroupResource, Monitor> monitors = new HashMap<>(); // guarded by this
    private Runnable unlisten; // guarded by this
    private boolean closed; // guarded by this

    /** How long the collector waits for a new monitor's first list before it goes on without it (kube: 30 s). */
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

    private record Monitor(ResourceDefinition<?> definition, Informer<?> informer, long startedNanos) {
        boolean synced(long now) {
            return informer.hasSynced() || now - startedNanos > SYNC_TIMEOUT.toNanos();
        }
    }

    GarbageCollectorMonitors(StoreRegistry stores, GarbageCollectorGraph graph) {
        this.stores = stores;
        this.graph = graph;
    }

    /** Starts a monitor for every resource served now, and follows the registry from then on. */
    synchronized void start() {
        if (closed || unlisten != null) {
            return;
        }
        unlisten = stores.resources().addListener((before, after) -> sync(after));
        sync(stores.resources().snapshot());
    }

    /**
     * True when every monitor has its first list in the graph (kube's {@code IsSynced}), or has tried for
     * {@link #SYNC_TIMEOUT} (one resource whose list fails does not stop collection for all).
     */
    synchronized boolean synced() {
        long now = System.nanoTime();
        return unlisten != null && monitors.values().stream().allMatch(m -> m.synced(now));
    }

    synchronized Set<GroupResource> monitored() {
        return Set.copyOf(monitors.keySet());
    }

    /** Stops every monitor and waits for them at most {@link Informer#STOP_WAIT}. */
    @Override
    public void close() {
        close(Informer.STOP_WAIT);
    }

    /** Stops every monitor (the registry no longer followed) and waits for them at most {@code wait}. */
    void close(Duration wait) {
        List<Informer<?>> informers;
        synchronized (this) {
            closed = true;
            if (unlisten != null) {
                unlisten.run();
            }
            informers = monitors.values().stream().<Informer<?>>map(Monitor::informer).toList();
            monitors.clear();
        }
        Informer.closeAll(informers, wait);
    }

    /** Makes the monitors those of the snapshot's resources. */
    private synchronized void sync(ResourceRegistry.Snapshot snapshot) {
        if (closed) {
            return;
        }
        Map<GroupResource, ResourceDefinition<?>> wanted = new HashMap<>();
        for (ResourceDefinition<?> d : snapshot.all()) {
            if (monitorable(d)) {
                Monitor m = monitors.get(d.groupResource());
                // the version monitored now stays while served; else the first registered
                if (m != null && m.definition() == d || !wanted.containsKey(d.groupResource())) {
                    wanted.put(d.groupResource(), d);
                }
            }
        }
        List<Informer<?>> stopped = new ArrayList<>();
        monitors.entrySet().removeIf(e -> {
            if (wanted.get(e.getKey()) == e.getValue().definition()) {
                return false;
            }
            stopped.add(e.getValue().informer());
            return true;
        });
        Informer.closeAll(stopped, Duration.ZERO);
        wanted.forEach((gr, d) -> {
            if (!monitors.containsKey(gr)) {
                Store<?> store = stores.store(d);
                if (store != null) {
                    monitors.put(gr, new Monitor(d, follow(d, store), System.nanoTime()));
                }
            }
        });
    }

    private static boolean monitorable(ResourceDefinition<?> d) {
        return d.serves("list") && d.serves("watch") && d.serves("delete") && !IGNORED.contains(d.groupResource());
    }

    private <T extends HasMetadata> Informer<T> follow(ResourceDefinition<?> d, Store<T> store) {
        Informer<T> informer = new Informer<>(store, "garbage-collector", InformerOptions.DEFAULTS,
                CompactCopies.transform(metadataOnly(store.definition().type())));
        String apiVersion = d.apiVersion();
        String kind = d.kind();
        informer.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(T obj) {
                graph.observe(identity(obj), obj.getMetadata());
            }

            @Override
            public void onUpdate(T old, T obj) {
                graph.observe(identity(obj), obj.getMetadata());
            }

            @Override
            public void onDelete(T obj) {
                graph.remove(obj.getMetadata().getUid());
            }

            private GarbageCollectorGraph.Identity identity(T obj) {
                ObjectMeta m = obj.getMetadata();
                return new GarbageCollectorGraph.Identity(apiVersion, kind,
                        m.getNamespace() == null ? "" : m.getNamespace(), m.getName(), m.getUid());
            }
        });
        informer.start();
        return informer;
    }

    /** Keeps what the graph reads: names, uid, resourceVersion, owners, finalizers and deletion. */
    private static <T extends HasMetadata> UnaryOperator<T> metadataOnly(Class<T> type) {
        return obj -> {
            T view;
            try {
                view = type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make an empty " + type.getSimpleName(), e);
            }
            ObjectMeta m = obj.getMetadata();
            view.setMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace())
                    .withUid(m.getUid()).withResourceVersion(m.getResourceVersion())
                    .withOwnerReferences(m.getOwnerReferences()).withFinalizers(m.getFinalizers())
                    .withDeletionTimestamp(m.getDeletionTimestamp()).build());
            return view;
        };
    }
}

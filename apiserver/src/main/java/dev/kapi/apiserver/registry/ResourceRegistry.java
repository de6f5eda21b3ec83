package dev.kapi.apiserver.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Every served resource, looked up by group, version and plural name (as URLs name them) or by kind: the
 * one source the dispatcher, discovery and OpenAPI read, so they can never disagree. It changes at run time
 * (custom resources arrive and leave while requests run, on every server): each {@link #register},
 * {@link #replace} or {@link #unregister} builds a new immutable {@link Snapshot} with a generation one
 * higher and swaps it in atomically. Readers never lock and never see half a change; a reader that needs
 * several answers to agree takes one {@link #snapshot()} and asks it. Caches derived from the registry
 * remember the snapshot they were built from and rebuild when it is no longer current (the next request
 * after a change sees it); {@link Listener}s are told of each change after it happened, in order.
 *
 * <pre>{@code
 * long gen = registry.register(widgets);                 // served from now on, by every reader
 * registry.snapshot().find("example.com", "v1", "widgets"); // present, generation() == gen
 * registry.unregister("example.com", "v1", "widgets");   // 404 from now on
 * }</pre>
 */
public final class ResourceRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceRegistry.class);

    /** Told of every change, after it is visible to readers. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called once per change, in generation order, on the thread that made it and while further changes
         * wait: return quickly, hand long work to another thread, and never change the registry from here.
         * An exception is logged and does not undo the change or keep other listeners from being called.
         */
        void changed(Snapshot before, Snapshot after);
    }

    /** The served resources at one generation: immutable, safe to keep and share between threads. */
    public static final class Snapshot {

        private final long generation;
        private final List<ResourceDefinition<?>> all;
        private final Map<String, ResourceDefinition<?>> byPath;

        private Snapshot(long generation, Map<String, ResourceDefinition<?>> byPathInOrder) {
            this.generation = generation;
            this.all = List.copyOf(byPathInOrder.values());
            this.byPath = Map.copyOf(byPathInOrder);
        }

        /** One higher after every change; the first snapshot is generation 1. */
        public long generation() {
            return generation;
        }

        /** All definitions in registration order (a replaced definition keeps its place). */
        public List<ResourceDefinition<?>> all() {
            return all;
        }

        public Optional<ResourceDefinition<?>> find(String group, String version, String resource) {
            return Optional.ofNullable(byPath.get(key(group, version, resource)));
        }

        public Optional<ResourceDefinition<?>> findByKind(String group, String kind) {
            return all.stream().filter(d -> d.group().equals(group) && d.kind().equals(kind)).findFirst();
        }

        /** The group/versions served, in registration order, "" first for the core group. */
        public List<String> groupVersions() {
            return all.stream().map(ResourceDefinition::apiVersion).distinct().toList();
        }

        private Map<String, ResourceDefinition<?>> pathsInOrder() {
            Map<String, ResourceDefinition<?>> m = new LinkedHashMap<>();
            all.forEach(d -> m.put(key(d), d));
            return m;
        }
    }

    private final Object changes = new Object();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot current;
    private boolean notifying;

    /** A registry serving {@code definitions} (generation 1); fails when two share a path. */
    public ResourceRegistry(List<ResourceDefinition<?>> definitions) {
        Map<String, ResourceDefinition<?>> byPath = new LinkedHashMap<>();
        for (ResourceDefinition<?> d : definitions) {
            add(byPath, d);
        }
        this.current = new Snapshot(1, byPath);
    }

    /** What is served now. */
    public Snapshot snapshot() {
        return current;
    }

    public long generation() {
        return current.generation();
    }

    public Optional<ResourceDefinition<?>> find(String group, String version, String resource) {
        return current.find(group, version, resource);
    }

    public Optional<ResourceDefinition<?>> findByKind(String group, String kind) {
        return current.findByKind(group, kind);
    }

    /** All definitions, in registration order. */
    public List<ResourceDefinition<?>> all() {
        return current.all();
    }

    /** The group/versions served, in registration order, "" first for the core group. */
    public List<String> groupVersions() {
        return current.groupVersions();
    }

    /**
     * Serves {@code definition} from now on.
     *
     * @return the generation that first serves it
     * @throws IllegalArgumentException when its group, version and resource are already served
     */
    public long register(ResourceDefinition<?> definition) {
        return change(byPath -> {
            add(byPath, definition);
            return byPath;
        }).generation();
    }

    /**
     * Serves {@code definition} in place of the one at its path (a custom resource whose definition
     * changed), or in addition when none is there.
     *
     * @return the generation that first serves it
     */
    public long replace(ResourceDefinition<?> definition) {
        return change(byPath -> {
            byPath.put(key(definition), definition);
            return byPath;
        }).generation();
    }

    /**
     * Stops serving the resource at this path; requests already dispatched to it finish.
     *
     * @return the definition no longer served, or empty (and no change) when none was
     */
    public Optional<ResourceDefinition<?>> unregister(String group, String version, String resource) {
        ResourceDefinition<?>[] removed = new ResourceDefinition<?>[1];
        change(byPath -> {
            removed[0] = byPath.remove(key(group, version, resource));
            return removed[0] == null ? null : byPath;
        });
        return Optional.ofNullable(removed[0]);
    }

    /**
     * Calls {@code listener} after every later change.
     *
     * @return removes the listener
     */
    public Runnable addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Applies {@code edit} to a copy of the current paths (null from it: no change) and publishes the result. */
    private Snapshot change(UnaryOperator<Map<String, ResourceDefinition<?>>> edit) {
        synchronized (changes) {
            if (notifying) {
                throw new IllegalStateException("a registry listener may not change the registry");
            }
            Snapshot before = current;
            Map<String, ResourceDefinition<?>> edited = edit.apply(before.pathsInOrder());
            if (edited == null) {
                return before;
            }
            Snapshot after = new Snapshot(before.generation() + 1, edited);
            current = after;
            notifying = true;
            try {
                for (Listener l : listeners) {
                    try {
                        l.changed(before, after);
                    } catch (RuntimeException e) {
                        LOG.warn("resource registry listener {} failed on generation {}", l, after.generation(), e);
                    }
                }
            } finally {
                notifying = false;
            }
            return after;
        }
    }

    private static void add(Map<String, ResourceDefinition<?>> byPath, ResourceDefinition<?> d) {
        String k = key(d);
        if (byPath.putIfAbsent(k, d) != null) {
            throw new IllegalArgumentException("resource defined twice: " + k);
        }
    }

    private static String key(ResourceDefinition<?> d) {
        return key(d.group(), d.version(), d.resource());
    }

    private static String key(String group, String version, String resource) {
        return group + "/" + version + "/" + resource;
    }
}

package dev.kapi.apiserver.registry.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Consumer;

/**
 * The handler most controllers put on their own kind's informer: every added, updated or deleted object's key
 * ({@link InformerCache#key}) goes to {@code queue}; a deleted one's is first handed to {@code deleted} (a
 * controller forgets what it expected of the object, or remembers that it went).
 */
public final class KeyQueueing<T extends HasMetadata> implements EventHandler<T> {

    private final Consumer<String> queue;
    private final Consumer<String> deleted;

    public KeyQueueing(Consumer<String> queue, Consumer<String> deleted) {
        this.queue = queue;
        this.deleted = deleted;
    }

    /** Queues every change's key, nothing more. */
    public KeyQueueing(Consumer<String> queue) {
        this(queue, key -> { });
    }

    @Override
    public void onAdd(T obj) {
        queue.accept(InformerCache.key(obj));
    }

    @Override
    public void onUpdate(T old, T obj) {
        queue.accept(InformerCache.key(obj));
    }

    @Override
    public void onDelete(T obj) {
        String key = InformerCache.key(obj);
        deleted.accept(key);
        queue.accept(key);
    }
}

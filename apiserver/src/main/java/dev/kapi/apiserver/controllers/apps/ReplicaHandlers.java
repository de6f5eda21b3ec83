package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.InformerCache;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Consumer;

/**
 * The handler of a replica controller's own objects: every change queues the object's key; a deleted one
 * is also forgotten by the expectations (kube's {@code DeleteExpectations}) before it is queued.
 */
final class ReplicaHandlers<T extends HasMetadata> implements EventHandler<T> {

    private final Consumer<String> queue;
    private final Consumer<String> forget;

    ReplicaHandlers(Consumer<String> queue, Consumer<String> forget) {
        this.queue = queue;
        this.forget = forget;
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
        forget.accept(InformerCache.key(obj));
        queue.accept(InformerCache.key(obj));
    }
}

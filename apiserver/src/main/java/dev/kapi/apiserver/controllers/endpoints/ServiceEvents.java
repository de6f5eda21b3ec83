package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.InformerCache;
import io.fabric8.kubernetes.api.model.Service;

import java.util.Set;

/**
 * Queues a Service whenever it is added, changed or deleted (kube's onServiceUpdate and onServiceDelete),
 * remembering the deleted ones in {@code deleted} when a controller wants to know.
 */
final class ServiceEvents implements EventHandler<Service> {

    private final WorkQueue queue;
    private final Set<String> deleted;

    ServiceEvents(WorkQueue queue, Set<String> deleted) {
        this.queue = queue;
        this.deleted = deleted;
    }

    @Override
    public void onAdd(Service svc) {
        queue.add(InformerCache.key(svc));
    }

    @Override
    public void onUpdate(Service old, Service svc) {
        queue.add(InformerCache.key(svc));
    }

    @Override
    public void onDelete(Service svc) {
        if (deleted != null) {
            deleted.add(InformerCache.key(svc));
        }
        queue.add(InformerCache.key(svc));
    }
}

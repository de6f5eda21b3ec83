package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Queues the Services whose endpoints a pod change may change (kube's addPod, updatePod and deletePod): those
 * selecting the pod as it is and as it was. An update that changes nothing the endpoints show (a resync, a
 * new annotation) queues nothing.
 */
final class PodEvents implements EventHandler<Pod> {

    private final Informer<Service> services;
    private final WorkQueue queue;

    PodEvents(Informer<Service> services, WorkQueue queue) {
        this.services = services;
        this.queue = queue;
    }

    @Override
    public void onAdd(Pod pod) {
        queueSelecting(pod, pod);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
        if (old == pod || !ServicePods.endpointsMayDiffer(old, pod)) {
            return;
        }
        queueSelecting(pod, old);
    }

    @Override
    public void onDelete(Pod pod) {
        queueSelecting(pod, pod);
    }

    private void queueSelecting(Pod pod, Pod old) {
        for (Service svc : services.cache().list(pod.getMetadata().getNamespace())) {
            var selector = ServicePods.selector(svc);
            if (ServicePods.matches(selector, pod.getMetadata().getLabels())
                    || ServicePods.matches(selector, old.getMetadata().getLabels())) {
                queue.add(InformerCache.key(svc));
            }
        }
    }
}

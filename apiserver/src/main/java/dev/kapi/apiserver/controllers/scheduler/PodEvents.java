package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.registry.informer.EventHandler;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.Objects;

/**
 * The scheduler's pod handler: a pod to place is queued when it appears and when its spec or labels change
 * (not for its own status writes); a pod arriving on a node may help pods waiting for pod affinity or spread,
 * and one leaving a node (deleted, finished) or relabelled there may help any unschedulable pod.
 */
final class PodEvents implements EventHandler<Pod> {

    private final Scheduler scheduler;

    PodEvents(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void onAdd(Pod pod) {
        if (Scheduler.responsible(pod)) {
            scheduler.queue(pod);
        } else if (Scheduler.assigned(pod)) {
            scheduler.retryUnschedulable(true);
        }
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
        if (Scheduler.responsible(pod)) {
            if (!Scheduler.responsible(old) || !Objects.equals(old.getSpec(), pod.getSpec())
                    || !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
                scheduler.queue(pod);
            }
            return;
        }
        if (Scheduler.responsible(old)) {
            scheduler.forget(old);
        }
        if (Scheduler.assigned(old) && !Scheduler.assigned(pod)) {
            scheduler.retryUnschedulable(false);
        } else if (Scheduler.assigned(pod) && !Scheduler.assigned(old)) {
            scheduler.retryUnschedulable(true);
        } else if (Scheduler.assigned(pod)
                && !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
            scheduler.retryUnschedulable(false); // it may no longer match a waiting pod's anti-affinity
        }
    }

    @Override
    public void onDelete(Pod pod) {
        scheduler.forget(pod);
        if (Scheduler.assigned(pod)) {
            scheduler.retryUnschedulable(false);
        }
    }
}

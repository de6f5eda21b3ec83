package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.registry.informer.EventHandler;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's {@code addPod}, {@code updatePod} and {@code deletePod} of the ReplicaSet controller: a pod with a
 * controller reference to one of ours marks that creation (or, deleted or being deleted, that deletion) as
 * observed in the {@link Expectations} and queues its owner, also the former owner when the reference changed;
 * an orphan queues every owner of its namespace whose selector matches it, so one of them adopts it. A pod
 * turning Ready queues its owner again after minReadySeconds, when it becomes available.
 */
final class OwnedPodHandlers implements EventHandler<Pod> {

    private final BiFunction<String, OwnerReference, ReplicaSet> ownerOf;
    private final Function<String, List<ReplicaSet>> owners;
    private final Expectations expectations;
    private final WorkQueue queue;

    OwnedPodHandlers(BiFunction<String, OwnerReference, ReplicaSet> ownerOf, Function<String, List<ReplicaSet>> owners,
                     Expectations expectations, WorkQueue queue) {
        this.ownerOf = ownerOf;
        this.owners = owners;
        this.expectations = expectations;
        this.queue = queue;
    }

    @Override
    public void onAdd(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            onDelete(pod);
            return;
        }
        ReplicaSet owner = owner(pod);
        if (owner != null) {
            expectations.creationObserved(ControllerRefs.key(owner));
            queue.add(ControllerRefs.key(owner));
        } else if (ControllerRefs.controllerOf(pod) == null) {
            queueMatching(pod);
        }
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
            return;
        }
        boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels());
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            onDelete(pod);
            if (labelsChanged) {
                onDelete(old);
            }
            return;
        }
        OwnerReference oldRef = ControllerRefs.controllerOf(old);
        OwnerReference ref = ControllerRefs.controllerOf(pod);
        boolean refChanged = !Objects.equals(oldRef, ref);
        if (refChanged && oldRef != null) {
            ReplicaSet former = ownerOf.apply(old.getMetadata().getNamespace(), oldRef);
            if (former != null) {
                queue.add(ControllerRefs.key(former));
            }
        }
        if (ref != null) {
            ReplicaSet owner = ownerOf.apply(pod.getMetadata().getNamespace(), ref);
            if (owner != null) {
                queue.add(ControllerRefs.key(owner));
                int minReady = intOf(owner.getSpec().getMinReadySeconds());
                if (!Pods.ready(old) && Pods.ready(pod) && minReady > 0) {
                    queue.addAfter(ControllerRefs.key(owner), Duration.ofSeconds(minReady + 1L));
                }
            }
            return;
        }
        if (labelsChanged || refChanged) {
            queueMatching(pod);
        }
    }

    @Override
    public void onDelete(Pod pod) {
        ReplicaSet owner = owner(pod);
        if (owner != null) {
            expectations.deletionObserved(ControllerRefs.key(owner), ControllerRefs.key(pod));
            queue.add(ControllerRefs.key(owner));
        }
    }

    private ReplicaSet owner(Pod pod) {
        OwnerReference ref = ControllerRefs.controllerOf(pod);
        return ref == null ? null : ownerOf.apply(pod.getMetadata().getNamespace(), ref);
    }

    private void queueMatching(Pod pod) {
        for (ReplicaSet rs : owners.apply(pod.getMetadata().getNamespace())) {
            if (ControllerRefs.selector(rs.getSpec().getSelector()).test(pod.getMetadata().getLabels())) {
                queue.add(ControllerRefs.key(rs));
            }
        }
    }
}

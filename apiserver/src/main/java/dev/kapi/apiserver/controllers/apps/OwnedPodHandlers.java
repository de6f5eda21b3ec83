package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.registry.informer.EventHandler;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;

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

    /** What the handlers need of an owner: its key, minReadySeconds and pod selector. */
    record Owner(String key, int minReadySeconds, LabelSelector selector) {

        static Owner of(HasMetadata obj, Integer minReadySeconds, LabelSelector selector) {
            return new Owner(ControllerRefs.key(obj), intOf(minReadySeconds), selector);
        }
    }

    private final BiFunction<String, OwnerReference, Owner> ownerOf;
    private final Function<String, List<Owner>> owners;
    private final Expectations expectations;
    private final WorkQueue queue;

    /**
     * @param ownerOf the cached owner a controller reference names (kind, name and uid), or null
     * @param owners  the cached owners of a namespace
     */
    OwnedPodHandlers(BiFunction<String, OwnerReference, Owner> ownerOf, Function<String, List<Owner>> owners,
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
        Owner owner = owner(pod);
        if (owner != null) {
            expectations.creationObserved(owner.key());
            queue.add(owner.key());
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
            Owner former = ownerOf.apply(old.getMetadata().getNamespace(), oldRef);
            if (former != null) {
                queue.add(former.key());
            }
        }
        if (ref != null) {
            Owner owner = ownerOf.apply(pod.getMetadata().getNamespace(), ref);
            if (owner != null) {
                queue.add(owner.key());
                if (!Pods.ready(old) && Pods.ready(pod) && owner.minReadySeconds() > 0) {
                    queue.addAfter(owner.key(), Duration.ofSeconds(owner.minReadySeconds() + 1L));
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
        Owner owner = owner(pod);
        if (owner != null) {
            expectations.deletionObserved(owner.key(), ControllerRefs.key(pod));
            queue.add(owner.key());
        }
    }

    private Owner owner(Pod pod) {
        OwnerReference ref = ControllerRefs.controllerOf(pod);
        return ref == null ? null : ownerOf.apply(pod.getMetadata().getNamespace(), ref);
    }

    private void queueMatching(Pod pod) {
        for (Owner owner : owners.apply(pod.getMetadata().getNamespace())) {
            if (!ControllerRefs.selectsEverything(owner.selector())
                    && ControllerRefs.selector(owner.selector()).test(pod.getMetadata().getLabels())) {
                queue.add(owner.key());
            }
        }
    }
}

package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * The pod write of a binding ({@code pods/binding} and {@code bindings}, kube's {@code BindingREST}): the server
 * sets spec.nodeName, the binding's annotations and the PodScheduled condition, status included, and nothing of
 * a pod's own update rules applies (kube writes it straight to storage).
 */
final class PodBinding implements ResourceStrategy<Pod> {

    @Override
    public boolean keepsStoredStatus() {
        return false;
    }

    @Override
    public List<FieldError> validateUpdate(Pod pod, Pod old) {
        return List.of();
    }
}

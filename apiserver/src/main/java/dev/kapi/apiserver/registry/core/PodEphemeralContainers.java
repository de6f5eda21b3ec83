package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ephemeralcontainers} subresource of a pod (kube's {@code podEphemeralContainersStrategy}, what
 * {@code kubectl debug} patches): of the object written only {@code spec.ephemeralContainers} is taken; the rest
 * of the spec, the status and the metadata a status write may not change (labels, annotations, finalizers,
 * owners, deletionTimestamp, generation: kube's {@code ResetObjectMetaForStatus}) stay as stored. Validation is
 * the pod spec's and {@link EphemeralContainerValidation}'s update rule: containers are only ever added.
 */
final class PodEphemeralContainers implements ResourceStrategy<Pod> {

    @Override
    public void applyDefaults(Pod pod) {
        PodSpecDefaults.apply(pod.getSpec());
        PodSpecDefaults.applyPod(pod.getSpec());
    }

    @Override
    public void prepareForUpdate(Pod pod, Pod old) {
        PodSpec spec = old.getSpec() == null ? new PodSpec() : Json.convert(Json.tree(old.getSpec()), PodSpec.class);
        spec.setEphemeralContainers(pod.getSpec() == null ? null : pod.getSpec().getEphemeralContainers());
        pod.setSpec(spec);
        pod.setStatus(old.getStatus());
        ObjectMeta meta = pod.getMetadata();
        ObjectMeta stored = old.getMetadata();
        meta.setLabels(stored.getLabels());
        meta.setAnnotations(stored.getAnnotations());
        meta.setFinalizers(stored.getFinalizers());
        meta.setOwnerReferences(stored.getOwnerReferences());
        meta.setDeletionTimestamp(stored.getDeletionTimestamp());
        meta.setGeneration(stored.getGeneration());
    }

    @Override
    public List<FieldError> validateUpdate(Pod pod, Pod old) {
        if (EphemeralContainerValidation.staticPod(old)) {
            return List.of(FieldError.forbidden("", "static pods do not support ephemeral containers"));
        }
        List<FieldError> errs = new ArrayList<>(PodSpecValidation.validatePod(pod.getSpec()));
        errs.addAll(EphemeralContainerValidation.validateUpdate(pod, old));
        return errs;
    }
}

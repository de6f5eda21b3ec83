package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * kube's {@code RealPodControl} for one controller identity: creates a pod from a template (kube's
 * {@code GetPodFromTemplate}: the template's labels, annotations, finalizers and spec, generateName
 * {@code <owner>-}, the owner's controller reference), deletes a pod, and adds or removes an owner reference
 * (adoption and release). Every write goes through the {@link WritePipeline}, so admission (quota, ...) sees it.
 */
final class PodControl {

    private final Store<Pod> pods;
    private final WritePipeline writes;
    private final UserInfo user;

    PodControl(Store<Pod> pods, WritePipeline writes, UserInfo user) {
        this.pods = pods;
        this.writes = writes;
        this.user = user;
    }

    Store<Pod> store() {
        return pods;
    }

    Pod create(String namespace, PodTemplateSpec template, HasMetadata owner, OwnerReference ref) {
        return writes.create(WriteScope.of(pods, namespace, user), fromTemplate(template, owner, ref),
                OperationOptions.create());
    }

    static Pod fromTemplate(PodTemplateSpec template, HasMetadata owner, OwnerReference ref) {
        ObjectMeta meta = new ObjectMeta();
        ObjectMeta t = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        meta.setGenerateName(owner.getMetadata().getName() + "-");
        meta.setLabels(t.getLabels() == null ? null : new HashMap<>(t.getLabels()));
        meta.setAnnotations(t.getAnnotations() == null ? null : new HashMap<>(t.getAnnotations()));
        meta.setFinalizers(t.getFinalizers() == null ? null : new ArrayList<>(t.getFinalizers()));
        meta.setOwnerReferences(new ArrayList<>(List.of(ref)));
        Pod pod = new Pod();
        pod.setApiVersion("v1");
        pod.setKind("Pod");
        pod.setMetadata(meta);
        pod.setSpec(new PodSpecBuilder(template.getSpec()).build());
        return pod;
    }

    /** Deletes the pod, only if it still is the one seen (uid precondition). */
    void delete(Pod pod) {
        writes.delete(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                OperationOptions.deleteWithUid(pod.getMetadata().getUid()));
    }

    /** Adds the controller reference, unless the pod has got a controller meanwhile. */
    void adopt(Pod pod, OwnerReference ref) {
        writes.update(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                current -> {
                    if (!Objects.equals(current.getMetadata().getUid(), pod.getMetadata().getUid())
                            || ControllerRefs.controllerOf(current) != null) {
                        return current;
                    }
                    List<OwnerReference> refs = current.getMetadata().getOwnerReferences() == null
                            ? new ArrayList<>() : new ArrayList<>(current.getMetadata().getOwnerReferences());
                    refs.removeIf(r -> Objects.equals(r.getUid(), ref.getUid()));
                    refs.add(ref);
                    current.getMetadata().setOwnerReferences(refs);
                    return current;
                }, OperationOptions.update());
    }

    /** Removes the owner's reference. */
    void release(Pod pod, String ownerUid) {
        writes.update(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                current -> {
                    List<OwnerReference> refs = current.getMetadata().getOwnerReferences();
                    if (refs != null) {
                        List<OwnerReference> kept = new ArrayList<>(refs);
                        kept.removeIf(r -> Objects.equals(r.getUid(), ownerUid));
                        current.getMetadata().setOwnerReferences(kept.isEmpty() ? null : kept);
                    }
                    return current;
                }, OperationOptions.update());
    }
}

package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.HashMap;
import java.util.Map;

/**
 * The pod write of an admitted Binding (kube's {@code BindingREST.assignPod}): in one compare-and-swap, the
 * pod named by the binding gets spec.nodeName, the binding's annotations and the PodScheduled condition True.
 * A pod already on a node, being deleted, with scheduling gates, or whose uid is not the binding's, is refused
 * with kube's 409. Shared by the {@code pods/binding} and {@code bindings} handlers and the scheduler.
 */
public final class PodBindings {

    private static final GroupResource BINDING = new GroupResource("", "pods/binding");

    private PodBindings() {
    }

    /** Writes the binding's assignment; call it from the binding's create, after its validating admission. */
    public static Pod assign(WritePipeline writes, Store<Pod> pods, String namespace, UserInfo user, Binding binding,
                             boolean dryRun) {
        String name = binding.getMetadata().getName();
        String node = binding.getTarget().getName();
        String uid = binding.getMetadata().getUid();
        Map<String, String> annotations = binding.getMetadata().getAnnotations();
        return writes.updateAdmittedWith(WriteScope.of(pods, namespace, user).subresource("binding"), name, pod -> {
            if (uid != null && !uid.isEmpty() && !uid.equals(pod.getMetadata().getUid())) {
                throw StatusError.conflict(new GroupResource("", "pods"), name, "Precondition failed: UID in "
                        + "precondition: " + uid + ", UID in object meta: " + pod.getMetadata().getUid());
            }
            String why = refusal(pod);
            if (why != null) {
                throw StatusError.conflict(BINDING, name, why);
            }
            pod.getSpec().setNodeName(node);
            if (annotations != null && !annotations.isEmpty()) {
                Map<String, String> merged = new HashMap<>(pod.getMetadata().getAnnotations() == null
                        ? Map.of() : pod.getMetadata().getAnnotations());
                merged.putAll(annotations);
                pod.getMetadata().setAnnotations(merged);
            }
            scheduled(pod);
            return pod;
        }, OperationOptions.update(dryRun, null, null));
    }

    private static String refusal(Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return "pod " + name + " is being deleted, cannot be assigned to a host";
        }
        String node = pod.getSpec().getNodeName();
        if (node != null && !node.isEmpty()) {
            return "pod " + name + " is already assigned to node \"" + node + "\"";
        }
        if (pod.getSpec().getSchedulingGates() != null && !pod.getSpec().getSchedulingGates().isEmpty()) {
            return "pod " + name + " has non-empty .spec.schedulingGates";
        }
        return null;
    }

    /** kube's {@code UpdatePodCondition} with PodScheduled True. */
    private static void scheduled(Pod pod) {
        setScheduledCondition(pod, "True", null, null);
    }

    /**
     * kube's {@code UpdatePodCondition} for PodScheduled: the condition set to {@code status} (with a reason and
     * message, or none), its lastTransitionTime kept unless the status changes.
     */
    public static void setScheduledCondition(Pod pod, String status, String reason, String message) {
        PodConditions.set(pod, "PodScheduled", status, reason, message);
    }
}

package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.api.selection.SelectorSyntaxException;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.util.ArrayList;
import java.util.List;

/**
 * The pods a Job controls (kube's PodControllerRefManager for jobs): those whose controller reference names
 * it and which its selector matches; a pod it matches that has no controller is adopted (the reference and
 * the tracking finalizer added) unless the job is finished or being deleted; a pod it controls that its
 * selector no longer matches is released (both removed). Pods being deleted are neither adopted nor released.
 */
final class JobPodClaims {

    private JobPodClaims() {
    }

    static List<Pod> claim(Job job, List<Pod> namespacePods, JobWrites writes) {
        String uid = job.getMetadata().getUid();
        LabelSelector selector = selector(job);
        boolean canAdopt = canAdopt(job, selector);
        List<Pod> owned = new ArrayList<>();
        for (Pod pod : namespacePods) {
            OwnerReference controller = controller(pod);
            boolean matches = !selector.isEmpty() && selector.matches(pod.getMetadata().getLabels());
            if (controller != null) {
                if ("Job".equals(controller.getKind()) && uid.equals(controller.getUid())) {
                    if (matches || Owners.deleting(pod)) {
                        owned.add(pod);
                    } else {
                        writes.release(pod, uid);
                    }
                }
            } else if (matches && canAdopt && !Owners.deleting(pod)) {
                Pod adopted = writes.adopt(pod, job);
                if (adopted != null) {
                    owned.add(adopted);
                }
            }
        }
        return owned;
    }

    /** Whether the job would adopt this pod, which has no controller. */
    static boolean wouldAdopt(Job job, Pod pod) {
        LabelSelector selector = selector(job);
        return controller(pod) == null && canAdopt(job, selector) && !Owners.deleting(pod)
                && selector.matches(pod.getMetadata().getLabels());
    }

    private static boolean canAdopt(Job job, LabelSelector selector) {
        return !Owners.deleting(job) && !JobConditions.finished(job) && !selector.isEmpty();
    }

    private static LabelSelector selector(Job job) {
        try {
            return LabelSelector.fromObject(job.getSpec().getSelector());
        } catch (SelectorSyntaxException e) {
            return LabelSelector.nothing();
        }
    }

    private static OwnerReference controller(Pod pod) {
        for (OwnerReference ref : JobPods.nz(pod.getMetadata().getOwnerReferences())) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return ref;
            }
        }
        return null;
    }
}

package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.core.Pods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's DaemonSet status ({@code updateDaemonSetStatus}) over the nodes and the set's pods by node: nodes
 * that should run the pod (desired), of those the ones with a pod (current), Ready, available
 * (minReadySeconds) and of the update revision (updated), nodes with a pod that should not have one
 * (misscheduled), and desired minus available (unavailable).
 */
final class DaemonSetStatuses {

    private DaemonSetStatuses() {
    }

    static DaemonSetStatus compute(DaemonSet ds, PodTemplateSpec template, List<Node> nodes,
                                   Map<String, List<Pod>> byNode, String hash, Instant now) {
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        int minReady = intOf(ds.getSpec().getMinReadySeconds());
        for (Node node : nodes) {
            List<Pod> onNode = byNode.getOrDefault(node.getMetadata().getName(), List.of());
            if (DaemonSetPods.shouldRun(template, node)) {
                desired++;
                if (!onNode.isEmpty()) {
                    current++;
                    Pod pod = onNode.get(0);
                    ready += Pods.ready(pod) ? 1 : 0;
                    available += ActivePods.available(pod, minReady, now) ? 1 : 0;
                    updated += hash.equals(pod.getMetadata().getLabels().get(ControllerHistory.LABEL)) ? 1 : 0;
                }
            } else if (!onNode.isEmpty()) {
                misscheduled++;
            }
        }
        DaemonSetStatus s = new DaemonSetStatus();
        s.setDesiredNumberScheduled(desired);
        s.setCurrentNumberScheduled(current);
        s.setNumberMisscheduled(misscheduled);
        s.setNumberReady(ready);
        s.setNumberAvailable(available);
        s.setNumberUnavailable(desired - available);
        s.setUpdatedNumberScheduled(updated);
        s.setObservedGeneration(ds.getMetadata().getGeneration());
        s.setCollisionCount(ds.getStatus() == null ? null : ds.getStatus().getCollisionCount());
        s.setConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions());
        return s;
    }

    /** True when the stored status says all of this (Go's zero values and absent fields alike). */
    static boolean same(DaemonSetStatus a, DaemonSetStatus b) {
        return a != null && intOf(a.getDesiredNumberScheduled()) == intOf(b.getDesiredNumberScheduled())
                && intOf(a.getCurrentNumberScheduled()) == intOf(b.getCurrentNumberScheduled())
                && intOf(a.getNumberMisscheduled()) == intOf(b.getNumberMisscheduled())
                && intOf(a.getNumberReady()) == intOf(b.getNumberReady())
                && intOf(a.getNumberAvailable()) == intOf(b.getNumberAvailable())
                && intOf(a.getNumberUnavailable()) == intOf(b.getNumberUnavailable())
                && intOf(a.getUpdatedNumberScheduled()) == intOf(b.getUpdatedNumberScheduled())
                && ControllerRefs.longOf(a.getObservedGeneration()) == ControllerRefs.longOf(b.getObservedGeneration())
                && Objects.equals(a.getCollisionCount(), b.getCollisionCount());
    }
}

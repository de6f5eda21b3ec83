package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code UpdatePodCondition}: sets a pod's condition of one type (PodScheduled, DisruptionTarget, ...) to a
 * status with a reason and message, keeping its lastTransitionTime while the status stays and its lastProbeTime
 * (the kubelet's) as it was.
 */
public final class PodConditions {

    private PodConditions() {
    }

    public static void set(Pod pod, String type, String status, String reason, String message) {
        if (pod.getStatus() == null) {
            pod.setStatus(new PodStatus());
        }
        List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions() == null ? List.of()
                : pod.getStatus().getConditions());
        PodCondition previous = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastProbeTime(previous == null ? null : previous.getLastProbeTime());
        c.setLastTransitionTime(previous != null && status.equals(previous.getStatus())
                ? previous.getLastTransitionTime() : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (previous == null) {
            conditions.add(c);
        } else {
            conditions.set(conditions.indexOf(previous), c);
        }
        pod.getStatus().setConditions(conditions);
    }
}

package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's {@code calculateStatus} of a ReplicaSet from the active pods it owns: replicas, fullyLabeledReplicas
 * (pods carrying every label of the template), readyReplicas, availableReplicas (Ready for minReadySeconds),
 * observedGeneration, and the {@code ReplicaFailure} condition: set (reason FailedCreate or FailedDelete, the
 * error as message) when creating or deleting pods failed and it is not set yet, removed after a sync without
 * failure.
 */
final class ReplicaSetStatuses {

    static final String REPLICA_FAILURE = "ReplicaFailure";

    private ReplicaSetStatuses() {
    }

    /** @param failure the message of the create or delete that failed in this sync, or null */
    static ReplicaSetStatus compute(ReplicaSet rs, List<Pod> owned, String failure, Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate() == null
                || rs.getSpec().getTemplate().getMetadata() == null ? null
                : rs.getSpec().getTemplate().getMetadata().getLabels();
        int minReady = intOf(rs.getSpec().getMinReadySeconds());
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod pod : owned) {
            Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
            if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (dev.kapi.apiserver.registry.core.Pods.ready(pod)) {
                ready++;
                if (ActivePods.available(pod, minReady, now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus old = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        List<ReplicaSetCondition> conditions = old.getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(old.getConditions());
        boolean failing = conditions.stream().anyMatch(c -> REPLICA_FAILURE.equals(c.getType()));
        if (failure != null && !failing) {
            int diff = owned.size() - intOf(rs.getSpec().getReplicas());
            String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            conditions.add(new ReplicaSetCondition(ControllerRefs.time(now), failure, reason, "True",
                    REPLICA_FAILURE));
        } else if (failure == null && failing) {
            conditions.removeIf(c -> REPLICA_FAILURE.equals(c.getType()));
        }
        ReplicaSetStatus s = new ReplicaSetStatus();
        s.setReplicas(owned.size());
        s.setFullyLabeledReplicas(fullyLabeled);
        s.setReadyReplicas(ready);
        s.setAvailableReplicas(available);
        s.setObservedGeneration(rs.getMetadata().getGeneration());
        s.setConditions(conditions.isEmpty() ? null : conditions);
        return s;
    }

    /** True when the stored status already says all of this (kube's skip of an unneeded write). */
    static boolean same(ReplicaSetStatus current, ReplicaSetStatus next) {
        ReplicaSetStatus c = current == null ? new ReplicaSetStatus() : current;
        List<ReplicaSetCondition> cc = c.getConditions() == null ? List.of() : c.getConditions();
        List<ReplicaSetCondition> nc = next.getConditions() == null ? List.of() : next.getConditions();
        return intOf(c.getReplicas()) == intOf(next.getReplicas())
                && intOf(c.getFullyLabeledReplicas()) == intOf(next.getFullyLabeledReplicas())
                && intOf(c.getReadyReplicas()) == intOf(next.getReadyReplicas())
                && intOf(c.getAvailableReplicas()) == intOf(next.getAvailableReplicas())
                && ControllerRefs.longOf(c.getObservedGeneration()) == ControllerRefs.longOf(next.getObservedGeneration())
                && Objects.equals(cc, nc);
    }
}

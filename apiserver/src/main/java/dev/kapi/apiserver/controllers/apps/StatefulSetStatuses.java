package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.core.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's StatefulSet status ({@code computeReplicaStatus} and {@code completeRollingUpdate}): pods that exist,
 * Running and Ready ones, available ones (minReadySeconds), those of the current and of the update revision;
 * once a RollingUpdate has every pod updated and Ready, the update revision becomes the current one.
 */
final class StatefulSetStatuses {

    private StatefulSetStatuses() {
    }

    static StatefulSetStatus compute(StatefulSet set, List<Pod> owned, ControllerRevision current,
                                     ControllerRevision update, Instant now) {
        int minReady = intOf(set.getSpec().getMinReadySeconds());
        int replicas = 0;
        int ready = 0;
        int available = 0;
        int currentReplicas = 0;
        int updated = 0;
        for (Pod pod : owned) {
            replicas++;
            if (runningAndReady(pod)) {
                ready++;
                if (ActivePods.available(pod, minReady, now)) {
                    available++;
                }
            }
            if (pod.getMetadata().getDeletionTimestamp() == null) {
                String revision = pod.getMetadata().getLabels().get(ControllerHistory.LABEL);
                currentReplicas += current.getMetadata().getName().equals(revision) ? 1 : 0;
                updated += update.getMetadata().getName().equals(revision) ? 1 : 0;
            }
        }
        StatefulSetStatus s = new StatefulSetStatus();
        s.setReplicas(replicas);
        s.setReadyReplicas(ready);
        s.setAvailableReplicas(available);
        s.setCurrentReplicas(currentReplicas);
        s.setUpdatedReplicas(updated);
        s.setCurrentRevision(current.getMetadata().getName());
        s.setUpdateRevision(update.getMetadata().getName());
        s.setObservedGeneration(set.getMetadata().getGeneration());
        s.setCollisionCount(set.getStatus() == null ? null : set.getStatus().getCollisionCount());
        s.setConditions(set.getStatus() == null ? null : set.getStatus().getConditions());
        var strategy = set.getSpec().getUpdateStrategy();
        boolean rolling = strategy == null || !"OnDelete".equals(strategy.getType());
        if (rolling && updated == replicas && ready == replicas) {
            s.setCurrentRevision(update.getMetadata().getName());
            s.setCurrentReplicas(updated);
        }
        return s;
    }

    /** kube's {@code isRunningAndReady}. */
    static boolean runningAndReady(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && Pods.ready(pod);
    }

    /** True when the stored status says all of this (Go's zero values and absent fields alike). */
    static boolean same(StatefulSetStatus a, StatefulSetStatus b) {
        if (a == null) {
            return false;
        }
        return intOf(a.getReplicas()) == intOf(b.getReplicas()) && intOf(a.getReadyReplicas()) == intOf(b.getReadyReplicas())
                && intOf(a.getAvailableReplicas()) == intOf(b.getAvailableReplicas())
                && intOf(a.getCurrentReplicas()) == intOf(b.getCurrentReplicas())
                && intOf(a.getUpdatedReplicas()) == intOf(b.getUpdatedReplicas())
                && Objects.equals(a.getCurrentRevision(), b.getCurrentRevision())
                && Objects.equals(a.getUpdateRevision(), b.getUpdateRevision())
                && ControllerRefs.longOf(a.getObservedGeneration()) == ControllerRefs.longOf(b.getObservedGeneration())
                && Objects.equals(a.getCollisionCount(), b.getCollisionCount());
    }
}

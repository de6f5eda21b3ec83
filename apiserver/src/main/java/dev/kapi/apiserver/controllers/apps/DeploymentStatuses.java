package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's Deployment status ({@code calculateStatus}, {@code syncRolloutStatus}): the replica counts summed
 * over its ReplicaSets, the {@code Available} condition (MinimumReplicasAvailable / MinimumReplicasUnavailable)
 * and, with a progress deadline, the {@code Progressing} condition: NewReplicaSetAvailable once complete,
 * ReplicaSetUpdated on any progress (lastUpdateTime moves, lastTransitionTime kept while True),
 * ProgressDeadlineExceeded when nothing progressed for progressDeadlineSeconds; ReplicaFailure copied from a
 * failing ReplicaSet.
 */
final class DeploymentStatuses {

    static final String PROGRESSING = "Progressing";
    static final String AVAILABLE = "Available";
    static final String REPLICA_FAILURE = "ReplicaFailure";
    static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String RS_UPDATED = "ReplicaSetUpdated";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";
    static final String RS_CREATE_ERROR = "ReplicaSetCreateError";

    private DeploymentStatuses() {
    }

    /** kube's {@code calculateStatus}. */
    static DeploymentStatus calculate(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        int available = Deployments.availableReplicas(all);
        int unavailable = Math.max(0, Deployments.specReplicas(all) - available);
        DeploymentStatus s = new DeploymentStatus();
        s.setObservedGeneration(d.getMetadata().getGeneration());
        s.setReplicas(Deployments.actualReplicas(all));
        s.setUpdatedReplicas(newRS == null ? 0 : Deployments.actualReplicas(List.of(newRS)));
        s.setReadyReplicas(Deployments.readyReplicas(all));
        s.setAvailableReplicas(available);
        s.setUnavailableReplicas(unavailable);
        s.setCollisionCount(d.getStatus() == null ? null : d.getStatus().getCollisionCount());
        s.setConditions(d.getStatus() == null || d.getStatus().getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(d.getStatus().getConditions()));
        if (available >= Deployments.replicas(d) - Deployments.maxUnavailable(d)) {
            set(s, condition(AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now));
        } else {
            set(s, condition(AVAILABLE, "False", "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.", now));
        }
        return s;
    }

    /** kube's {@code syncRolloutStatus} computation (without the write). */
    static DeploymentStatus rollout(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        DeploymentStatus s = calculate(all, newRS, d, now);
        if (!hasProgressDeadline(d)) {
            remove(s, PROGRESSING);
        }
        DeploymentCondition current = get(d.getStatus(), PROGRESSING);
        boolean complete = intOf(s.getReplicas()) == intOf(s.getUpdatedReplicas()) && current != null
                && NEW_RS_AVAILABLE.equals(current.getReason());
        if (hasProgressDeadline(d) && !complete) {
            String rsName = newRS == null ? "" : newRS.getMetadata().getName();
            if (complete(d, s)) {
                set(s, condition(PROGRESSING, "True", NEW_RS_AVAILABLE,
                        "ReplicaSet \"" + rsName + "\" has successfully progressed.", now));
            } else if (progressing(d, s)) {
                DeploymentCondition c = condition(PROGRESSING, "True", RS_UPDATED,
                        "ReplicaSet \"" + rsName + "\" is progressing.", now);
                if (current != null) {
                    if ("True".equals(current.getStatus())) {
                        c.setLastTransitionTime(current.getLastTransitionTime());
                    }
                    remove(s, PROGRESSING);
                }
                set(s, c);
            } else if (timedOut(d, s, now)) {
                set(s, condition(PROGRESSING, "False", TIMED_OUT,
                        "ReplicaSet \"" + rsName + "\" has timed out progressing.", now));
            }
        }
        DeploymentCondition failure = replicaFailure(all, newRS, now);
        if (failure != null) {
            set(s, failure);
        } else {
            remove(s, REPLICA_FAILURE);
        }
        return s;
    }

    /** kube's {@code DeploymentComplete}. */
    static boolean complete(Deployment d, DeploymentStatus s) {
        int want = Deployments.replicas(d);
        return intOf(s.getUpdatedReplicas()) == want && intOf(s.getReplicas()) == want
                && intOf(s.getAvailableReplicas()) == want
                && ControllerRefs.longOf(s.getObservedGeneration()) >= ControllerRefs.longOf(d.getMetadata().getGeneration());
    }

    /** kube's {@code DeploymentProgressing}: more updated, fewer old, more ready or more available replicas. */
    static boolean progressing(Deployment d, DeploymentStatus s) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        int oldOld = intOf(old.getReplicas()) - intOf(old.getUpdatedReplicas());
        int newOld = intOf(s.getReplicas()) - intOf(s.getUpdatedReplicas());
        return intOf(s.getUpdatedReplicas()) > intOf(old.getUpdatedReplicas()) || newOld < oldOld
                || intOf(s.getReadyReplicas()) > intOf(old.getReadyReplicas())
                || intOf(s.getAvailableReplicas()) > intOf(old.getAvailableReplicas());
    }

    /** kube's {@code DeploymentTimedOut}. */
    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        DeploymentCondition c = get(s, PROGRESSING);
        if (!hasProgressDeadline(d) || c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(c.getReason())) {
            return true;
        }
        Instant from = ControllerRefs.parse(c.getLastUpdateTime());
        return from != null && from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
    }

    /** When to look again for a deadline that may pass (kube's {@code requeueStuckDeployment}), or null. */
    static Duration recheckIn(Deployment d, DeploymentStatus s, Instant now) {
        DeploymentCondition c = get(s, PROGRESSING);
        if (!hasProgressDeadline(d) || c == null || complete(d, s) || TIMED_OUT.equals(c.getReason())) {
            return null;
        }
        Instant from = ControllerRefs.parse(c.getLastUpdateTime());
        if (from == null) {
            return null;
        }
        Duration after = Duration.between(now, from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()));
        return after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : after.plusSeconds(1);
    }

    static boolean hasProgressDeadline(Deployment d) {
        Integer p = d.getSpec().getProgressDeadlineSeconds();
        return p != null && p != Integer.MAX_VALUE;
    }

    private static DeploymentCondition replicaFailure(List<ReplicaSet> all, ReplicaSet newRS, Instant now) {
        List<ReplicaSet> order = new ArrayList<>();
        if (newRS != null) {
            order.add(newRS);
        }
        all.stream().filter(rs -> rs != null && rs != newRS).forEach(order::add);
        for (ReplicaSet rs : order) {
            for (ReplicaSetCondition c : rs.getStatus() == null || rs.getStatus().getConditions() == null
                    ? List.<ReplicaSetCondition>of() : rs.getStatus().getConditions()) {
                if (REPLICA_FAILURE.equals(c.getType())) {
                    return new DeploymentCondition(c.getLastTransitionTime(), c.getLastTransitionTime(),
                            c.getMessage(), c.getReason(), c.getStatus(), REPLICA_FAILURE);
                }
            }
        }
        return null;
    }

    static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
        String t = ControllerRefs.time(now);
        return new DeploymentCondition(t, t, message, reason, status, type);
    }

    static DeploymentCondition get(DeploymentStatus s, String type) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** kube's {@code SetDeploymentCondition}: no change for the same status and reason; keeps the transition time. */
    static void set(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition current = get(s, c.getType());
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())
                && Objects.equals(current.getReason(), c.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
        }
        remove(s, c.getType());
        s.getConditions().add(c);
    }

    static void remove(DeploymentStatus s, String type) {
        if (s.getConditions() == null) {
            s.setConditions(new ArrayList<>());
        } else {
            List<DeploymentCondition> kept = new ArrayList<>(s.getConditions());
            kept.removeIf(c -> type.equals(c.getType()));
            s.setConditions(kept);
        }
    }

    /** True when the statuses say the same (Go's zero values and absent fields alike). */
    static boolean same(DeploymentStatus a, DeploymentStatus b) {
        DeploymentStatus x = a == null ? new DeploymentStatus() : a;
        DeploymentStatus y = b == null ? new DeploymentStatus() : b;
        List<DeploymentCondition> cx = x.getConditions() == null ? List.of() : x.getConditions();
        List<DeploymentCondition> cy = y.getConditions() == null ? List.of() : y.getConditions();
        return ControllerRefs.longOf(x.getObservedGeneration()) == ControllerRefs.longOf(y.getObservedGeneration())
                && intOf(x.getReplicas()) == intOf(y.getReplicas())
                && intOf(x.getUpdatedReplicas()) == intOf(y.getUpdatedReplicas())
                && intOf(x.getReadyReplicas()) == intOf(y.getReadyReplicas())
                && intOf(x.getAvailableReplicas()) == intOf(y.getAvailableReplicas())
                && intOf(x.getUnavailableReplicas()) == intOf(y.getUnavailableReplicas())
                && Objects.equals(x.getCollisionCount(), y.getCollisionCount())
                && Objects.equals(cx, cy);
    }
}

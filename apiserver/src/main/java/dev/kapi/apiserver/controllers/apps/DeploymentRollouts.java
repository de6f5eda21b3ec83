package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;
import static dev.kapi.apiserver.controllers.apps.Deployments.replicas;

/**
 * kube's rollouts ({@code rolling.go}, {@code recreate.go}) and scaling ({@code sync.go}'s {@code scale}) over
 * a {@link DeploymentSync}. RollingUpdate: grow the new ReplicaSet up to replicas + maxSurge pods in all, then
 * shrink old ones (unhealthy replicas first) while at least replicas - maxUnavailable stay available.
 * Recreate: old ReplicaSets to 0, wait until none of their pods runs, then the new one to full size. A change
 * of spec.replicas alone (or while paused) scales: the one active ReplicaSet to the new size, or old ones to 0
 * once the new one is saturated, or, mid-rollout, every active ReplicaSet in proportion to its size (kube's
 * proportional scaling, leftovers to the largest).
 */
final class DeploymentRollouts {

    private final DeploymentSync sync;

    DeploymentRollouts(DeploymentSync sync) {
        this.sync = sync;
    }

    private Deployment d() {
        return sync.d;
    }

    void rolling() {
        DeploymentSync.NewAndOld sets = sync.all(true);
        List<ReplicaSet> all = sets.all();
        if (reconcileNew(all, sets.newRS())) {
            sync.syncRolloutStatus(sets);
            return;
        }
        if (reconcileOld(sync.fresh(all), Deployments.active(sync.fresh(sets.old())), sync.fresh(sets.newRS()))) {
            sync.syncRolloutStatus(sets);
            return;
        }
        if (DeploymentStatuses.complete(d(), d().getStatus())) {
            sync.cleanup(sets.old());
        }
        sync.syncRolloutStatus(sets);
    }

    private boolean reconcileNew(List<ReplicaSet> all, ReplicaSet newRS) {
        if (replicas(newRS) == replicas(d())) {
            return false;
        }
        int target = replicas(newRS) > replicas(d()) ? replicas(d())
                : Deployments.newReplicaSetReplicas(d(), all, newRS);
        return replicas(sync.scale(newRS, target)) != replicas(newRS);
    }

    private boolean reconcileOld(List<ReplicaSet> all, List<ReplicaSet> old, ReplicaSet newRS) {
        if (Deployments.specReplicas(old) == 0) {
            return false;
        }
        int minAvailable = replicas(d()) - Deployments.maxUnavailable(d());
        int newUnavailable = replicas(newRS) - intOf(Deployments.status(newRS).getAvailableReplicas());
        int maxScaledDown = Deployments.specReplicas(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        List<ReplicaSet> sorted = new ArrayList<>(old);
        sorted.sort(Deployments.OLDEST_FIRST);
        int cleaned = 0;
        for (int i = 0; i < sorted.size() && cleaned < maxScaledDown; i++) {
            ReplicaSet rs = sorted.get(i);
            int available = intOf(Deployments.status(rs).getAvailableReplicas());
            if (replicas(rs) == 0 || replicas(rs) == available) {
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, replicas(rs) - available);
            sorted.set(i, sync.scale(rs, replicas(rs) - down));
            cleaned += down;
        }
        int available = Deployments.availableReplicas(Deployments.with(sorted, newRS));
        int scaledDown = 0;
        if (available > minAvailable) {
            int toScaleDown = available - minAvailable;
            for (ReplicaSet rs : sorted) {
                if (scaledDown >= toScaleDown) {
                    break;
                }
                if (replicas(rs) == 0) {
                    continue;
                }
                int down = Math.min(replicas(rs), toScaleDown - scaledDown);
                sync.scale(rs, replicas(rs) - down);
                scaledDown += down;
            }
        }
        return cleaned + scaledDown > 0;
    }

    /** @param podsBySet the active and finished pods of the Deployment's ReplicaSets, by ReplicaSet uid */
    void recreate(Map<String, List<Pod>> podsBySet) {
        DeploymentSync.NewAndOld sets = sync.all(false);
        boolean scaledDown = false;
        for (ReplicaSet rs : Deployments.active(sets.old())) {
            sync.scale(rs, 0);
            scaledDown = true;
        }
        if (scaledDown || oldPodsRunning(sets, podsBySet)) {
            sync.syncRolloutStatus(sets);
            return;
        }
        if (sets.newRS() == null) {
            sets = sync.all(true);
        }
        sync.scale(sets.newRS(), replicas(d()));
        if (DeploymentStatuses.complete(d(), d().getStatus())) {
            sync.cleanup(sets.old());
        }
        sync.syncRolloutStatus(sets);
    }

    private boolean oldPodsRunning(DeploymentSync.NewAndOld sets, Map<String, List<Pod>> podsBySet) {
        if (Deployments.actualReplicas(sync.fresh(sets.old())) > 0) {
            return true;
        }
        String newUid = sets.newRS() == null ? null : sets.newRS().getMetadata().getUid();
        for (Map.Entry<String, List<Pod>> e : podsBySet.entrySet()) {
            if (Objects.equals(e.getKey(), newUid)) {
                continue;
            }
            for (Pod pod : e.getValue()) {
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** kube's {@code isScalingEvent}: an active ReplicaSet was sized for another spec.replicas. */
    boolean scalingEvent() {
        DeploymentSync.NewAndOld sets = sync.all(false);
        for (ReplicaSet rs : Deployments.active(sync.fresh(sets.all()))) {
            String desired = Deployments.annotations(rs).get(Deployments.DESIRED_REPLICAS);
            if (desired != null && !desired.equals(String.valueOf(replicas(d())))) {
                return true;
            }
        }
        return false;
    }

    /** kube's {@code sync}: scaling only (paused, or spec.replicas changed), then the status. */
    void scaleOnly() {
        DeploymentSync.NewAndOld sets = sync.all(false);
        scale(sync.fresh(sets.newRS()), sync.fresh(sets.old()));
        if (Boolean.TRUE.equals(d().getSpec().getPaused())) {
            sync.cleanup(sets.old());
        }
        sync.syncStatus(sets);
    }

    private void scale(ReplicaSet newRS, List<ReplicaSet> old) {
        ReplicaSet target = activeOrLatest(newRS, old);
        if (target != null) {
            sync.scale(target, replicas(d()));
            return;
        }
        if (Deployments.saturated(d(), newRS)) {
            for (ReplicaSet rs : Deployments.active(old)) {
                sync.scale(rs, 0);
            }
            return;
        }
        if (!Deployments.rollingUpdate(d())) {
            return;
        }
        List<ReplicaSet> all = new ArrayList<>(Deployments.active(Deployments.with(old, newRS)));
        int allowed = replicas(d()) > 0 ? replicas(d()) + Deployments.maxSurge(d()) : 0;
        int toAdd = allowed - Deployments.specReplicas(all);
        Comparator<ReplicaSet> bySize = Comparator.comparingInt((ReplicaSet rs) -> replicas(rs)).reversed();
        all.sort(toAdd > 0 ? bySize.thenComparing(Deployments.OLDEST_FIRST.reversed())
                : bySize.thenComparing(Deployments.OLDEST_FIRST));
        Map<String, Integer> sizes = new HashMap<>();
        int added = 0;
        for (ReplicaSet rs : all) {
            int proportion = toAdd == 0 ? 0 : proportion(rs, toAdd, added);
            sizes.put(rs.getMetadata().getName(), replicas(rs) + proportion);
            added += proportion;
        }
        for (int i = 0; i < all.size(); i++) {
            ReplicaSet rs = all.get(i);
            int size = sizes.get(rs.getMetadata().getName());
            if (i == 0 && toAdd != 0) {
                size = Math.max(0, size + toAdd - added);
            }
            sync.scale(rs, size);
        }
    }

    /** kube's {@code GetProportion}. */
    private int proportion(ReplicaSet rs, int toAdd, int added) {
        if (replicas(rs) == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    /** kube's {@code getReplicaSetFraction}. */
    private int fraction(ReplicaSet rs) {
        if (replicas(d()) == 0) {
            return -replicas(rs);
        }
        int deploymentReplicas = replicas(d()) + Deployments.maxSurge(d());
        int annotated;
        try {
            annotated = Integer.parseInt(Deployments.annotations(rs).get(Deployments.MAX_REPLICAS));
        } catch (NumberFormatException e) {
            annotated = intOf(d().getStatus().getReplicas());
        }
        if (annotated == 0) {
            return 0;
        }
        return (int) Math.round((double) replicas(rs) * deploymentReplicas / annotated) - replicas(rs);
    }

    /** kube's {@code FindActiveOrLatest}. */
    private static ReplicaSet activeOrLatest(ReplicaSet newRS, List<ReplicaSet> old) {
        if (newRS == null && old.isEmpty()) {
            return null;
        }
        List<ReplicaSet> newestFirst = new ArrayList<>(old);
        newestFirst.sort(Deployments.OLDEST_FIRST.reversed());
        List<ReplicaSet> active = Deployments.active(Deployments.with(newestFirst, newRS));
        if (active.isEmpty()) {
            return newRS != null ? newRS : newestFirst.get(0);
        }
        return active.size() == 1 ? active.get(0) : null;
    }
}

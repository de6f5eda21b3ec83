package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * kube's {@code deployment/util} arithmetic: maxSurge and maxUnavailable resolved against spec.replicas
 * (percentages: surge rounded up, unavailable down; both 0 makes unavailable 1), the replica counts of a set of
 * ReplicaSets, the new ReplicaSet's next size in a rolling update, the revision annotations, and the orders
 * kube sorts ReplicaSets in.
 */
final class Deployments {

    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    /** Annotations of a Deployment never copied to its ReplicaSets (kube's {@code skipCopyAnnotation}). */
    private static final List<String> NOT_COPIED = List.of("kubectl.kubernetes.io/last-applied-configuration",
            REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");

    /** Sorts ReplicaSets oldest first, ties by name (kube's {@code ReplicaSetsByCreationTimestamp}). */
    static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator
            .comparing((ReplicaSet rs) -> String.valueOf(rs.getMetadata().getCreationTimestamp()))
            .thenComparing(rs -> rs.getMetadata().getName());

    private Deployments() {
    }

    static int replicas(Deployment d) {
        return intOf(d.getSpec().getReplicas());
    }

    static int replicas(ReplicaSet rs) {
        return rs == null ? 0 : intOf(rs.getSpec().getReplicas());
    }

    static boolean rollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || !"Recreate".equals(d.getSpec().getStrategy().getType());
    }

    /** kube's {@code ResolveFenceposts}: {surge, unavailable}. */
    static int[] fenceposts(Deployment d) {
        var ru = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        int desired = replicas(d);
        int surge = scaled(ru == null ? null : ru.getMaxSurge(), desired, true);
        int unavailable = scaled(ru == null ? null : ru.getMaxUnavailable(), desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[]{surge, unavailable};
    }

    static int maxSurge(Deployment d) {
        return rollingUpdate(d) ? fenceposts(d)[0] : 0;
    }

    static int maxUnavailable(Deployment d) {
        if (!rollingUpdate(d) || replicas(d) == 0) {
            return 0;
        }
        return Math.min(fenceposts(d)[1], replicas(d));
    }

    /** kube's {@code GetScaledValueFromIntOrPercent}; null (defaulted 25%) counts as 25%. */
    static int scaled(IntOrString v, int total, boolean roundUp) {
        if (v == null) {
            v = new IntOrString("25%");
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal() == null ? "0%" : v.getStrVal().trim();
        int pct = Integer.parseInt(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        long product = (long) total * pct;
        return (int) (roundUp ? (product + 99) / 100 : product / 100);
    }

    static int specReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(Deployments::replicas).sum();
    }

    static int actualReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(rs -> intOf(status(rs).getReplicas())).sum();
    }

    static int readyReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(rs -> intOf(status(rs).getReadyReplicas())).sum();
    }

    static int availableReplicas(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(rs -> intOf(status(rs).getAvailableReplicas())).sum();
    }

    static io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus status(ReplicaSet rs) {
        return rs.getStatus() == null ? new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus() : rs.getStatus();
    }

    /** The ReplicaSets with spec.replicas above 0 (kube's {@code FilterActiveReplicaSets}). */
    static List<ReplicaSet> active(List<ReplicaSet> sets) {
        return sets.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    /** kube's {@code NewRSNewReplicas}: how big the new ReplicaSet may be now. */
    static int newReplicaSetReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
        if (!rollingUpdate(d)) {
            return replicas(d);
        }
        int current = specReplicas(all);
        int maxTotal = replicas(d) + maxSurge(d);
        if (current >= maxTotal) {
            return replicas(newRS);
        }
        int up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
        return replicas(newRS) + up;
    }

    static long revision(ReplicaSet rs) {
        String r = annotations(rs).get(REVISION);
        try {
            return r == null ? 0 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long maxRevision(List<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToLong(Deployments::revision).max().orElse(0);
    }

    static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        return obj.getMetadata().getAnnotations() == null ? Map.of() : obj.getMetadata().getAnnotations();
    }

    /** Copies the Deployment's own annotations onto the ReplicaSet; true when something changed. */
    static boolean copyAnnotations(Deployment d, ReplicaSet rs) {
        boolean changed = false;
        for (Map.Entry<String, String> e : annotations(d).entrySet()) {
            if (NOT_COPIED.contains(e.getKey()) || e.getValue().equals(annotations(rs).get(e.getKey()))) {
                continue;
            }
            mutableAnnotations(rs).put(e.getKey(), e.getValue());
            changed = true;
        }
        return changed;
    }

    /** kube's {@code SetReplicasAnnotations}; true when something changed. */
    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = mutableAnnotations(rs);
        boolean changed = !String.valueOf(desired).equals(a.get(DESIRED_REPLICAS))
                || !String.valueOf(max).equals(a.get(MAX_REPLICAS));
        a.put(DESIRED_REPLICAS, String.valueOf(desired));
        a.put(MAX_REPLICAS, String.valueOf(max));
        return changed;
    }

    /** kube's {@code SetNewReplicaSetAnnotations}; true when something changed. */
    static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, boolean exists) {
        boolean changed = copyAnnotations(d, rs);
        Map<String, String> a = mutableAnnotations(rs);
        String old = a.get(REVISION);
        long oldRevision = revision(rs);
        if (oldRevision < newRevision) {
            a.put(REVISION, String.valueOf(newRevision));
            changed = true;
            if (old != null) {
                String history = a.get(REVISION_HISTORY);
                a.put(REVISION_HISTORY, history == null || history.isEmpty() ? old : history + "," + old);
            }
        }
        if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) {
            changed = true;
        }
        return changed;
    }

    static Map<String, String> mutableAnnotations(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        if (obj.getMetadata().getAnnotations() == null) {
            obj.getMetadata().setAnnotations(new java.util.HashMap<>());
        } else if (!(obj.getMetadata().getAnnotations() instanceof java.util.HashMap)) {
            obj.getMetadata().setAnnotations(new java.util.HashMap<>(obj.getMetadata().getAnnotations()));
        }
        return obj.getMetadata().getAnnotations();
    }

    /** kube's {@code IsSaturated}: the new ReplicaSet runs all the Deployment's replicas, all available. */
    static boolean saturated(Deployment d, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        String desired = annotations(rs).get(DESIRED_REPLICAS);
        return replicas(rs) == replicas(d) && String.valueOf(replicas(d)).equals(desired)
                && intOf(status(rs).getAvailableReplicas()) == replicas(d);
    }

    static List<ReplicaSet> with(List<ReplicaSet> old, ReplicaSet newRS) {
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRS != null) {
            all.add(newRS);
        }
        return all;
    }
}

package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * kube's PodTopologySpread score: the pod's ScheduleAnyway constraints or, for a pod with no constraints of
 * its own, kube's system defaults (hostname with maxSkew 3, zone with maxSkew 5) over the pods selected like
 * it by the Services, ReplicationControllers, ReplicaSets and StatefulSets that select it. A node scores lower
 * the more matching pods its domains hold (each constraint weighted by the log of its number of domains), then
 * flipped to 0..100; with the pod's own constraints, a node lacking one of their keys scores 0.
 */
final class SpreadScore {

    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";

    private record Constraint(String key, int maxSkew, Predicate<Pod> selects, boolean honorAffinity,
                              boolean honorTaints) {
    }

    private final Pod pod;
    private final List<Constraint> constraints = new ArrayList<>();
    private final boolean requireAllKeys;

    /** @param defaultSelector the labels the system default constraints select, or null when none apply */
    SpreadScore(Pod pod, Predicate<Map<String, String>> defaultSelector) {
        this.pod = pod;
        List<TopologySpreadConstraint> own = Resources.list(pod.getSpec().getTopologySpreadConstraints());
        this.requireAllKeys = !own.isEmpty();
        if (!own.isEmpty()) {
            for (TopologySpreadConstraint c : own) {
                if ("ScheduleAnyway".equals(c.getWhenUnsatisfiable())) {
                    constraints.add(new Constraint(c.getTopologyKey(), c.getMaxSkew(), selector(c),
                            !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy())));
                }
            }
        } else if (defaultSelector != null) {
            Predicate<Pod> selects = p -> defaultSelector.test(AffinityTerm.labels(p));
            constraints.add(new Constraint(HOSTNAME, 3, selects, true, false));
            constraints.add(new Constraint(ZONE, 5, selects, true, false));
        }
    }

    private Predicate<Pod> selector(TopologySpreadConstraint c) {
        LabelSelector selector = LabelSelector.fromObject(c.getLabelSelector());
        Map<String, String> podLabels = AffinityTerm.labels(pod);
        Map<String, String> keyLabels = new HashMap<>();
        Resources.list(c.getMatchLabelKeys()).stream().filter(podLabels::containsKey)
                .forEach(k -> keyLabels.put(k, podLabels.get(k)));
        return p -> {
            Map<String, String> labels = AffinityTerm.labels(p);
            return selector.matches(labels) && keyLabels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        };
    }

    /** The normalized scores of the feasible nodes, in their order (all 0 without constraints). */
    long[] scores(Snapshot snapshot, List<NodeInfo> feasible) {
        long[] out = new long[feasible.size()];
        if (constraints.isEmpty()) {
            return out;
        }
        boolean[] ignored = new boolean[feasible.size()];
        Map<String, Long> pairCounts = new HashMap<>();
        double[] weights = new double[constraints.size()];
        for (int c = 0; c < constraints.size(); c++) {
            Set<String> domains = new HashSet<>();
            for (int i = 0; i < feasible.size(); i++) {
                ignored[i] = requireAllKeys && !hasAllKeys(feasible.get(i));
                String value = feasible.get(i).labels.get(constraints.get(c).key());
                if (!ignored[i] && value != null) {
                    domains.add(value);
                    if (!constraints.get(c).key().equals(HOSTNAME)) {
                        pairCounts.put(AffinityTerm.pair(constraints.get(c).key(), value), 0L);
                    }
                }
            }
            weights[c] = Math.log(domains.size() + 2);
        }
        for (NodeInfo node : snapshot.nodes) {
            if (requireAllKeys && !hasAllKeys(node)) {
                continue;
            }
            for (Constraint c : constraints) {
                String value = node.labels.get(c.key());
                String pair = value == null ? null : AffinityTerm.pair(c.key(), value);
                if (pair != null && pairCounts.containsKey(pair) && included(c, node)) {
                    pairCounts.merge(pair, matching(c, node), Long::sum);
                }
            }
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < feasible.size(); i++) {
            if (ignored[i]) {
                continue;
            }
            double score = 0;
            for (int c = 0; c < constraints.size(); c++) {
                Constraint constraint = constraints.get(c);
                String value = feasible.get(i).labels.get(constraint.key());
                if (value == null) {
                    continue;
                }
                long count = constraint.key().equals(HOSTNAME) ? matching(constraint, feasible.get(i))
                        : pairCounts.getOrDefault(AffinityTerm.pair(constraint.key(), value), 0L);
                score += count * weights[c] + (constraint.maxSkew() - 1);
            }
            out[i] = Math.round(score);
            min = Math.min(min, out[i]);
            max = Math.max(max, out[i]);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = ignored[i] ? 0 : max == 0 ? 100 : 100 * (max + min - out[i]) / max;
        }
        return out;
    }

    private boolean hasAllKeys(NodeInfo node) {
        return constraints.stream().allMatch(c -> node.labels.containsKey(c.key()));
    }

    private boolean included(Constraint c, NodeInfo node) {
        if (c.honorAffinity() && !NodeAffinity.requiredMatches(pod, node.node)) {
            return false;
        }
        if (c.honorTaints()) {
            for (Taint t : Taints.of(node.node)) {
                if ((Taints.NO_SCHEDULE.equals(t.getEffect()) || Taints.NO_EXECUTE.equals(t.getEffect()))
                        && !Taints.tolerates(Taints.tolerations(pod), t)) {
                    return false;
                }
            }
        }
        return true;
    }

    private long matching(Constraint c, NodeInfo node) {
        return node.pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
                .filter(c.selects()).count();
    }
}

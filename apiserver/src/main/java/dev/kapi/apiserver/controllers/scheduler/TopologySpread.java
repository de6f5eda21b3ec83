package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's PodTopologySpread filter for one pod in one cycle, over its DoNotSchedule constraints: the matching
 * pods of the pod's namespace (not terminating) are counted per domain of the constraint's topology key, over
 * the nodes that have every constraint's key and pass the pod's node affinity (nodeAffinityPolicy Honor, the
 * default) and, with nodeTaintsPolicy Honor, its tolerations; a node fits when its domain's count, plus one if
 * the pod matches itself, exceeds the smallest domain's count (0 with fewer domains than minDomains) by at most
 * maxSkew. A node without the key does not fit.
 */
final class TopologySpread {

    private record Constraint(TopologySpreadConstraint spec, LabelSelector selector, Map<String, String> keyLabels,
                              Map<String, Long> counts, long[] min, boolean selfMatch) {

        boolean selects(Pod p) {
            Map<String, String> labels = AffinityTerm.labels(p);
            return selector.matches(labels) && keyLabels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    private final List<Constraint> constraints = new ArrayList<>();

    TopologySpread(Pod pod, Snapshot snapshot) {
        List<TopologySpreadConstraint> specs = Resources.list(pod.getSpec().getTopologySpreadConstraints()).stream()
                .filter(c -> "DoNotSchedule".equals(c.getWhenUnsatisfiable())).toList();
        Map<String, String> podLabels = AffinityTerm.labels(pod);
        for (TopologySpreadConstraint c : specs) {
            Map<String, String> keyLabels = new HashMap<>();
            Resources.list(c.getMatchLabelKeys()).stream().filter(podLabels::containsKey)
                    .forEach(k -> keyLabels.put(k, podLabels.get(k)));
            LabelSelector selector = LabelSelector.fromObject(c.getLabelSelector());
            Constraint constraint = new Constraint(c, selector, keyLabels, new HashMap<>(), new long[1], false);
            constraints.add(new Constraint(c, selector, keyLabels, constraint.counts(), constraint.min(),
                    constraint.selects(pod)));
        }
        if (constraints.isEmpty()) {
            return;
        }
        for (NodeInfo node : snapshot.nodes) {
            if (!eligible(pod, node, specs)) {
                continue;
            }
            for (Constraint c : constraints) {
                String domain = node.labels.get(c.spec().getTopologyKey());
                long matching = node.pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .filter(p -> p.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
                        .filter(c::selects).count();
                c.counts().merge(domain, matching, Long::sum);
            }
        }
        for (Constraint c : constraints) {
            int minDomains = c.spec().getMinDomains() == null ? 1 : c.spec().getMinDomains();
            c.min()[0] = c.counts().size() < minDomains ? 0
                    : c.counts().values().stream().mapToLong(Long::longValue).min().orElse(0);
        }
    }

    private static boolean eligible(Pod pod, NodeInfo node, List<TopologySpreadConstraint> specs) {
        if (!specs.stream().allMatch(c -> node.labels.containsKey(c.getTopologyKey()))) {
            return false;
        }
        for (TopologySpreadConstraint c : specs) {
            if (!"Ignore".equals(c.getNodeAffinityPolicy()) && !NodeAffinity.requiredMatches(pod, node.node)) {
                return false;
            }
            if ("Honor".equals(c.getNodeTaintsPolicy()) && !toleratesAll(pod, node)) {
                return false;
            }
        }
        return true;
    }

    private static boolean toleratesAll(Pod pod, NodeInfo node) {
        for (Taint t : Taints.of(node.node)) {
            if ((Taints.NO_SCHEDULE.equals(t.getEffect()) || Taints.NO_EXECUTE.equals(t.getEffect()))
                    && !Taints.tolerates(Taints.tolerations(pod), t)) {
                return false;
            }
        }
        return true;
    }

    Filter filter() {
        return node -> {
            for (Constraint c : constraints) {
                String domain = node.labels.get(c.spec().getTopologyKey());
                if (domain == null) {
                    return Filter.unresolvable("node(s) didn't match pod topology spread constraints (missing required label)");
                }
                long skew = c.counts().getOrDefault(domain, 0L) + (c.selfMatch() ? 1 : 0) - c.min()[0];
                if (skew > c.spec().getMaxSkew()) {
                    return Filter.unschedulable("node(s) didn't match pod topology spread constraints");
                }
            }
            return List.of();
        };
    }
}

package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's InterPodAffinity plugin for one pod in one cycle. The filter: the pod's required affinity terms must
 * each find a matching pod in the node's domain (or, when no pod anywhere matches them, the pod must match
 * them itself: the first pod of a group), its required anti-affinity terms must find none, and no pod already
 * placed may have a required anti-affinity term matching it in the node's domain. The score sums, per domain,
 * the weights of the preferred terms (the pod's over existing pods, and existing pods' over it, anti-affinity
 * negative, existing pods' required affinity terms with weight 1) over the labels of the node.
 */
final class PodAffinity {

    static final long HARD_POD_AFFINITY_WEIGHT = 1;

    private final Pod pod;
    private final Snapshot snapshot;
    private final List<AffinityTerm> affinity;
    private final List<AffinityTerm> antiAffinity;
    private final Map<String, Long> affinityCounts = new HashMap<>();
    private final Map<String, Long> antiAffinityCounts = new HashMap<>();
    private final Map<String, Long> existingAntiAffinityCounts = new HashMap<>();
    private final Map<String, Long> scores = new HashMap<>();

    PodAffinity(Pod pod, Snapshot snapshot) {
        this.pod = pod;
        this.snapshot = snapshot;
        this.affinity = required(pod, true);
        this.antiAffinity = required(pod, false);
        List<AffinityTerm> preferred = preferred(pod, true);
        List<AffinityTerm> preferredAnti = preferred(pod, false);
        // without terms of its own, only the pods with terms of theirs can count (kube's PodsWithAffinity)
        boolean ownTerms = !affinity.isEmpty() || !antiAffinity.isEmpty() || !preferred.isEmpty()
                || !preferredAnti.isEmpty();
        for (NodeInfo node : snapshot.nodes) {
            for (Pod existing : ownTerms ? node.pods : node.podsWithAffinity) {
                count(node, existing);
                score(node, existing, preferred, preferredAnti);
            }
        }
    }

    private void count(NodeInfo node, Pod existing) {
        for (AffinityTerm t : required(existing, false)) {
            String domain = t.domain(node);
            if (domain != null && t.matches(pod, snapshot)) {
                existingAntiAffinityCounts.merge(domain, 1L, Long::sum);
            }
        }
        if (!affinity.isEmpty() && affinity.stream().allMatch(t -> t.matches(existing, snapshot))) {
            affinity.forEach(t -> add(affinityCounts, t.domain(node), 1));
        }
        for (AffinityTerm t : antiAffinity) {
            if (t.matches(existing, snapshot)) {
                add(antiAffinityCounts, t.domain(node), 1);
            }
        }
    }

    private void score(NodeInfo node, Pod existing, List<AffinityTerm> preferred, List<AffinityTerm> preferredAnti) {
        preferred.stream().filter(t -> t.matches(existing, snapshot)).forEach(t -> add(scores, t.domain(node), t.weight()));
        preferredAnti.stream().filter(t -> t.matches(existing, snapshot))
                .forEach(t -> add(scores, t.domain(node), -t.weight()));
        required(existing, true).stream().filter(t -> t.matches(pod, snapshot))
                .forEach(t -> add(scores, t.domain(node), HARD_POD_AFFINITY_WEIGHT));
        preferred(existing, true).stream().filter(t -> t.matches(pod, snapshot))
                .forEach(t -> add(scores, t.domain(node), t.weight()));
        preferred(existing, false).stream().filter(t -> t.matches(pod, snapshot))
                .forEach(t -> add(scores, t.domain(node), -t.weight()));
    }

    private static void add(Map<String, Long> counts, String domain, long n) {
        if (domain != null) {
            counts.merge(domain, n, Long::sum);
        }
    }

    Filter filter() {
        return node -> {
            if (!satisfiesAffinity(node)) {
                return Filter.unresolvable("node(s) didn't match pod affinity rules");
            }
            for (AffinityTerm t : antiAffinity) {
                String domain = t.domain(node);
                if (domain != null && antiAffinityCounts.getOrDefault(domain, 0L) > 0) {
                    return Filter.unschedulable("node(s) didn't match pod anti-affinity rules");
                }
            }
            for (Map.Entry<String, String> label : node.labels.entrySet()) {
                if (existingAntiAffinityCounts.getOrDefault(AffinityTerm.pair(label.getKey(), label.getValue()), 0L) > 0) {
                    return Filter.unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");
                }
            }
            return List.of();
        };
    }

    private boolean satisfiesAffinity(NodeInfo node) {
        boolean allFound = true;
        for (AffinityTerm t : affinity) {
            String domain = t.domain(node);
            if (domain == null) {
                return false;
            }
            if (affinityCounts.getOrDefault(domain, 0L) <= 0) {
                allFound = false;
            }
        }
        return allFound || (affinityCounts.isEmpty() && affinity.stream().allMatch(t -> t.matches(pod, snapshot)));
    }

    /** The score before normalizing: the domain scores over the node's labels. */
    long score(NodeInfo node) {
        long score = 0;
        for (Map.Entry<String, String> label : node.labels.entrySet()) {
            score += scores.getOrDefault(AffinityTerm.pair(label.getKey(), label.getValue()), 0L);
        }
        return score;
    }

    private static List<AffinityTerm> required(Pod owner, boolean affinity) {
        Affinity a = owner.getSpec().getAffinity();
        List<PodAffinityTerm> terms = a == null ? null : affinity
                ? (a.getPodAffinity() == null ? null : a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                : (a.getPodAntiAffinity() == null ? null
                : a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        List<AffinityTerm> out = new ArrayList<>();
        Resources.list(terms).forEach(t -> out.add(AffinityTerm.of(t, owner, 1)));
        return out;
    }

    private static List<AffinityTerm> preferred(Pod owner, boolean affinity) {
        Affinity a = owner.getSpec().getAffinity();
        List<WeightedPodAffinityTerm> terms = a == null ? null : affinity
                ? (a.getPodAffinity() == null ? null : a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                : (a.getPodAntiAffinity() == null ? null
                : a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        List<AffinityTerm> out = new ArrayList<>();
        for (WeightedPodAffinityTerm t : Resources.list(terms)) {
            if (t.getPodAffinityTerm() != null && t.getWeight() != null && t.getWeight() != 0) {
                out.add(AffinityTerm.of(t.getPodAffinityTerm(), owner, t.getWeight()));
            }
        }
        return out;
    }
}

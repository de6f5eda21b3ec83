package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * One scheduling cycle of kube's default profile for one pod over a {@link Snapshot}: the filters in kube's
 * order (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
 * PodTopologySpread, InterPodAffinity; a node stops at its first failing filter), then the scores of the nodes
 * that fit, each normalized to 0..100 and weighted as kube's defaults (NodeResourcesFit 1,
 * NodeResourcesBalancedAllocation 1, NodeAffinity 2, TaintToleration 3, InterPodAffinity 2, PodTopologySpread
 * 2; ImageLocality is not scored), and a random pick
 * among the best. When no node fits, kube's FitError message: the reasons counted over the nodes, and the
 * preemption part kube's DefaultPreemption writes when it finds no victims (this scheduler never preempts).
 */
final class Placement {

    /** The node chosen, or null with the unschedulable message. */
    record Result(String node, String message) {
    }

    static final String NO_NODES = "no nodes available to schedule pods";

    private Placement() {
    }

    static Result schedule(Pod pod, Snapshot snapshot, Random random) {
        if (snapshot.nodes.isEmpty()) {
            return new Result(null, NO_NODES);
        }
        PodAffinity affinity = new PodAffinity(pod, snapshot);
        List<Filter> filters = List.of(Taints.unschedulable(pod), NodeFit.nodeName(pod), Taints.toleration(pod),
                NodeAffinity.filter(pod), NodeFit.ports(pod), NodeFit.resources(pod),
                new TopologySpread(pod, snapshot).filter(), affinity.filter());
        List<NodeInfo> feasible = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, Integer> preemption = new TreeMap<>();
        for (NodeInfo node : snapshot.nodes) {
            List<Filter.Reason> failed = List.of();
            for (Filter f : filters) {
                failed = f.filter(node);
                if (!failed.isEmpty()) {
                    break;
                }
            }
            if (failed.isEmpty()) {
                feasible.add(node);
                continue;
            }
            failed.forEach(r -> reasons.merge(r.message(), 1, Integer::sum));
            preemption.merge(failed.stream().anyMatch(Filter.Reason::unresolvable)
                    ? "Preemption is not helpful for scheduling" : "No preemption victims found for incoming pod",
                    1, Integer::sum);
        }
        if (feasible.isEmpty()) {
            int n = snapshot.nodes.size();
            return new Result(null, "0/" + n + " nodes are available: " + histogram(reasons) + ". preemption: 0/" + n
                    + " nodes are available: " + histogram(preemption) + ".");
        }
        return new Result(best(pod, snapshot, affinity, feasible, random).name, null);
    }

    /** kube's {@code sortReasonsHistogram}: "count reason", sorted as strings. */
    private static String histogram(Map<String, Integer> counts) {
        List<String> out = new ArrayList<>();
        counts.forEach((reason, n) -> out.add(n + " " + reason));
        out.sort(null);
        return String.join(", ", out);
    }

    private static NodeInfo best(Pod pod, Snapshot snapshot, PodAffinity affinity, List<NodeInfo> feasible,
                                 Random random) {
        if (feasible.size() == 1) {
            return feasible.get(0);
        }
        long[] total = new long[feasible.size()];
        Map<String, Long> nonZeroRequests = Resources.nonZeroRequests(pod.getSpec());
        Map<String, Long> requests = Resources.requests(pod.getSpec());
        add(total, raw(feasible, n -> NodeFit.leastAllocated(nonZeroRequests, n)), 1);
        add(total, raw(feasible, n -> NodeFit.balanced(requests, n)), 1);
        add(total, normalized(raw(feasible, n -> NodeAffinity.preferredScore(pod, n)), false), 2);
        add(total, normalized(raw(feasible, n -> Taints.intolerablePreferNoSchedule(pod, n)), true), 3);
        add(total, minMax(raw(feasible, affinity::score)), 2);
        add(total, new SpreadScore(pod, snapshot.spreadSelector(pod)).scores(snapshot, feasible), 2);
        long max = Long.MIN_VALUE;
        NodeInfo chosen = null;
        int ties = 0;
        for (int i = 0; i < total.length; i++) {
            if (total[i] > max) {
                max = total[i];
                chosen = feasible.get(i);
                ties = 1;
            } else if (total[i] == max && random.nextInt(++ties) == 0) {
                chosen = feasible.get(i); // reservoir sampling among the best, as kube's selectHost
            }
        }
        return chosen;
    }

    private static long[] raw(List<NodeInfo> nodes, ToLongFunction<NodeInfo> score) {
        return nodes.stream().mapToLong(score).toArray();
    }

    private static void add(long[] total, long[] scores, long weight) {
        for (int i = 0; i < total.length; i++) {
            total[i] += scores[i] * weight;
        }
    }

    /** kube's {@code DefaultNormalizeScore}: scaled to 100 at the highest, reversed when asked. */
    static long[] normalized(long[] scores, boolean reverse) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        long[] out = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            long s = max == 0 ? 0 : scores[i] * 100 / max;
            out[i] = reverse ? 100 - s : s;
        }
        return out;
    }

    /** InterPodAffinity's normalizing: from the lowest (0) to the highest (100); all 0 when they are equal. */
    static long[] minMax(long[] scores) {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (long s : scores) {
            max = Math.max(max, s);
            min = Math.min(min, s);
        }
        long[] out = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = max - min > 0 ? 100 * (scores[i] - min) / (max - min) : 0;
        }
        return out;
    }
}

package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's NodeName, NodePorts and NodeResourcesFit filters, and the NodeResourcesFit (LeastAllocated) and
 * NodeResourcesBalancedAllocation scores, over cpu and memory with weight 1 each.
 */
final class NodeFit {

    private NodeFit() {
    }

    /** NodeName: a pod that names its node fits only that one (the scheduler only sees pods that name none). */
    static Filter nodeName(Pod pod) {
        String wanted = pod.getSpec().getNodeName();
        return node -> wanted == null || wanted.isEmpty() || wanted.equals(node.name) ? List.of()
                : Filter.unresolvable("node(s) didn't match the requested node name");
    }

    /** NodePorts: a host port the pod wants that a pod on the node holds. */
    static Filter ports(Pod pod) {
        List<NodeInfo.HostPort> wanted = NodeInfo.hostPorts(pod);
        return node -> wanted.stream().anyMatch(w -> node.usedPorts.stream().anyMatch(w::conflicts))
                ? Filter.unschedulable("node(s) didn't have free ports for the requested pod ports") : List.of();
    }

    /**
     * NodeResourcesFit: one more pod than allocatable {@code pods}, and each requested resource beyond what is
     * allocatable and not yet requested by the node's pods. A request beyond the node's allocatable alone is
     * unresolvable (no preemption would help), as kube's {@code InsufficientResource.Unresolvable}.
     */
    static Filter resources(Pod pod) {
        Map<String, Long> request = Resources.requests(pod.getSpec());
        return node -> {
            List<Filter.Reason> reasons = new ArrayList<>();
            long allowedPods = node.allocatable(Resources.PODS);
            if (node.pods.size() + 1 > allowedPods) {
                reasons.add(new Filter.Reason("Too many pods", false));
            }
            List<String> names = new ArrayList<>(List.of(Resources.CPU, Resources.MEMORY, Resources.EPHEMERAL_STORAGE));
            request.keySet().stream().filter(n -> !names.contains(n) && !n.equals(Resources.PODS)).sorted()
                    .forEach(names::add);
            for (String name : names) {
                long wanted = request.getOrDefault(name, 0L);
                if (wanted <= 0) {
                    continue;
                }
                long allocatable = node.allocatable(name);
                if (wanted > allocatable - node.requested.getOrDefault(name, 0L)) {
                    reasons.add(new Filter.Reason("Insufficient " + name, wanted > allocatable));
                }
            }
            return reasons;
        };
    }

    /**
     * LeastAllocated: the share of cpu and memory left free with the pod on the node, 0 to 100; {@code request}
     * is the pod's {@link Resources#nonZeroRequests}, worked out once per cycle.
     */
    static long leastAllocated(Map<String, Long> request, NodeInfo node) {
        long sum = 0;
        for (String name : List.of(Resources.CPU, Resources.MEMORY)) {
            long capacity = node.allocatable(name);
            long requested = node.nonZeroRequested.getOrDefault(name, 0L) + request.getOrDefault(name, 0L);
            sum += capacity == 0 || requested > capacity ? 0 : (capacity - requested) * 100 / capacity;
        }
        return sum / 2;
    }

    /**
     * BalancedAllocation: 100 when cpu and memory are used in the same share, less as the shares differ;
     * {@code request} is the pod's {@link Resources#requests}, worked out once per cycle.
     */
    static long balanced(Map<String, Long> request, NodeInfo node) {
        double[] fractions = new double[2];
        int i = 0;
        for (String name : List.of(Resources.CPU, Resources.MEMORY)) {
            long capacity = node.allocatable(name);
            long requested = node.requested.getOrDefault(name, 0L) + request.getOrDefault(name, 0L);
            fractions[i++] = capacity == 0 ? 0 : Math.min(1.0, (double) requested / capacity);
        }
        double std = Math.abs(fractions[0] - fractions[1]) / 2;
        return (long) ((1 - std) * 100);
    }
}

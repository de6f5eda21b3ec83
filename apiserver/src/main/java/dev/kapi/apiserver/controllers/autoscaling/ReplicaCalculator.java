package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.api.QuantityValues;
import dev.kapi.apiserver.registry.groups.metrics.SimulatedUsage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * kube's replica calculator for Resource metrics, over the simulated usage ({@link SimulatedUsage}, the source of
 * the metrics.k8s.io API, whose samples are taken now with a window of 30 s): pods being deleted or Failed are
 * ignored, Pending pods are unready, and so, for cpu, are pods without a Ready condition or start time, pods not
 * Ready or Ready for less than a window during their first {@link #CPU_INITIALIZATION_PERIOD}, and pods never
 * Ready after it (kube's {@code --horizontal-pod-autoscaler-cpu-initialization-period} and {@code
 * --horizontal-pod-autoscaler-initial-readiness-delay} defaults); pods without metrics are missing; the usage ratio of the ready pods decides, within
 * {@value #TOLERANCE} of 1 nothing changes; missing pods then count as using their request (100% or the target)
 * on a scale-down and nothing on a scale-up, unready pods nothing on a scale-up, and a scale that these
 * assumptions would reverse does not happen. Amounts are in milli-units (millicores, millibytes), as kube's.
 */
final class ReplicaCalculator {

    static final double TOLERANCE = 0.1;
    static final Duration CPU_INITIALIZATION_PERIOD = Duration.ofMinutes(5);
    static final Duration INITIAL_READINESS_DELAY = Duration.ofSeconds(30);
    static final Duration METRIC_WINDOW = Duration.ofSeconds(30);

    /** A proposal: replicas, with the current average utilization (percent, null for a value target) and value. */
    record Proposal(int replicas, Integer utilization, long averageMilli) {
    }

    private final Function<String, Node> nodes;
    private final Clock clock;

    /** @param nodes the node of a name (null: unknown), to know whether a pod runs on a simulated one */
    ReplicaCalculator(Function<String, Node> nodes, Clock clock) {
        this.nodes = nodes;
        this.clock = clock;
    }

    /** Replicas for a target utilization (percent of the pods' requests). */
    Proposal utilization(int currentReplicas, int target, String resource, List<Pod> pods) {
        Groups g = group(pods, resource);
        Map<String, Long> requests = new HashMap<>();
        for (Pod p : pods) {
            requests.put(p.getMetadata().getName(), request(p, resource));
        }
        Ratio ratio = utilizationRatio(g.metrics, requests, target);
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio.value > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (Math.abs(1.0 - ratio.value) <= TOLERANCE) {
                return new Proposal(currentReplicas, ratio.utilization, ratio.averageMilli);
            }
            return new Proposal((int) Math.ceil(ratio.value * g.ready), ratio.utilization, ratio.averageMilli);
        }
        Map<String, Long> filled = new HashMap<>(g.metrics);
        for (String missing : g.missing) {
            if (ratio.value < 1.0) { // a scale-down: missing pods use their request (or the target above 100%)
                filled.put(missing, Math.max(100, target) * requests.get(missing) / 100);
            } else if (ratio.value > 1.0) { // a scale-up: nothing
                filled.put(missing, 0L);
            }
        }
        if (scaleUpWithUnready) {
            g.unready.forEach(u -> filled.put(u, 0L));
        }
        Ratio adjusted = utilizationRatio(filled, requests, target);
        return new Proposal(guarded(currentReplicas, ratio.value, adjusted.value, filled.size()), ratio.utilization,
                ratio.averageMilli);
    }

    /** Replicas for a target average value per pod (milli-units). */
    Proposal averageValue(int currentReplicas, long targetMilli, String resource, List<Pod> pods) {
        Groups g = group(pods, resource);
        long total = g.metrics.values().stream().mapToLong(Long::longValue).sum();
        double ratio = g.metrics.isEmpty() ? 0 : (double) total / g.metrics.size() / targetMilli;
        long average = g.metrics.isEmpty() ? 0 : total / g.metrics.size();
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (Math.abs(1.0 - ratio) <= TOLERANCE) {
                return new Proposal(currentReplicas, null, average);
            }
            return new Proposal((int) Math.ceil(ratio * g.ready), null, average);
        }
        Map<String, Long> filled = new HashMap<>(g.metrics);
        g.missing.forEach(m -> filled.put(m, ratio < 1.0 ? targetMilli : 0L));
        if (scaleUpWithUnready) {
            g.unready.forEach(u -> filled.put(u, 0L));
        }
        double adjusted = (double) filled.values().stream().mapToLong(Long::longValue).sum() / filled.size()
                / targetMilli;
        return new Proposal(guarded(currentReplicas, ratio, adjusted, filled.size()), null, average);
    }

    /** kube's second pass: no change within tolerance, nor one that the missing or unready pods reverse. */
    private static int guarded(int current, double ratio, double adjusted, int counted) {
        if (Math.abs(1.0 - adjusted) <= TOLERANCE || (ratio < 1.0 && adjusted > 1.0) || (ratio > 1.0 && adjusted < 1.0)) {
            return current;
        }
        int replicas = (int) Math.ceil(adjusted * counted);
        if ((adjusted < 1.0 && replicas > current) || (adjusted > 1.0 && replicas < current)) {
            return current;
        }
        return replicas;
    }

    private record Ratio(double value, int utilization, long averageMilli) {
    }

    /** kube's GetResourceUtilizationRatio: over the pods with both metrics and requests. */
    private static Ratio utilizationRatio(Map<String, Long> metrics, Map<String, Long> requests, int target) {
        long used = 0;
        long requested = 0;
        for (var m : metrics.entrySet()) {
            Long r = requests.get(m.getKey());
            if (r != null) {
                used += m.getValue();
                requested += r;
            }
        }
        if (requested == 0) {
            throw new MetricError("no metrics returned matched known pods");
        }
        int utilization = (int) (used * 100 / requested);
        return new Ratio((double) utilization / target, utilization, metrics.isEmpty() ? 0 : used / metrics.size());
    }

    private record Groups(Map<String, Long> metrics, int ready, Set<String> unready, Set<String> missing) {
    }

    private Groups group(List<Pod> pods, String resource) {
        Map<String, Long> metrics = new HashMap<>();
        Set<String> unready = new HashSet<>();
        Set<String> missing = new HashSet<>();
        int ready = 0;
        boolean anyMetrics = false;
        for (Pod p : pods) {
            String name = p.getMetadata().getName();
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if (p.getMetadata().getDeletionTimestamp() != null || "Failed".equals(phase)) {
                continue;
            }
            if ("Pending".equals(phase)) {
                unready.add(name);
                continue;
            }
            String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
            Node node = nodeName == null ? null : nodes.apply(nodeName);
            if (!SimulatedUsage.running(p, node)) {
                missing.add(name);
                continue;
            }
            anyMetrics = true;
            if (resource.equals(SimulatedUsage.CPU) && unready(p)) {
                unready.add(name);
                continue;
            }
            metrics.put(name, milli(SimulatedUsage.pod(p).get(resource)));
            ready++;
        }
        if (!anyMetrics) {
            throw new MetricError("unable to get metrics for resource " + resource
                    + ": no metrics returned from resource metrics API");
        }
        if (metrics.isEmpty()) {
            throw new MetricError("did not receive metrics for targeted pods (pods might be unready)");
        }
        return new Groups(metrics, ready, unready, missing);
    }

    /** kube's cpu readiness rule, for a sample taken now over {@link #METRIC_WINDOW}. */
    private boolean unready(Pod p) {
        PodCondition ready = p.getStatus().getConditions() == null ? null : p.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        if (ready == null || p.getStatus().getStartTime() == null || ready.getLastTransitionTime() == null) {
            return true;
        }
        Instant now = clock.instant();
        Instant started = Instant.parse(p.getStatus().getStartTime());
        Instant transition = Instant.parse(ready.getLastTransitionTime());
        if (started.plus(CPU_INITIALIZATION_PERIOD).isAfter(now)) {
            return "False".equals(ready.getStatus()) || now.isBefore(transition.plus(METRIC_WINDOW));
        }
        return "False".equals(ready.getStatus()) && started.plus(INITIAL_READINESS_DELAY).isAfter(transition);
    }

    /** The sum of the containers' requests of the resource; a container without one makes it an error. */
    private static long request(Pod p, String resource) {
        long total = 0;
        for (Container c : p.getSpec().getContainers()) {
            Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null
                    : c.getResources().getRequests().get(resource);
            if (q == null) {
                throw new MetricError("missing request for " + resource + " in container " + c.getName()
                        + " of Pod " + p.getMetadata().getName());
            }
            total += milli(q.getNumericalAmount());
        }
        return total;
    }

    static long milli(BigDecimal amount) {
        return QuantityValues.ceilToLong(amount.scaleByPowerOfTen(3));
    }

    /** A metric that cannot be computed: its message goes into the ScalingActive condition. */
    static final class MetricError extends RuntimeException {
        MetricError(String message) {
            super(message, null, false, false);
        }
    }
}

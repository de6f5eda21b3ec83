package dev.kapi.apiserver.registry.groups.metrics;

import dev.kapi.apiserver.api.QuantityValues;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource usage of simulated nodes and their pods, the one source of both the metrics.k8s.io API and the
 * HorizontalPodAutoscaler controller. A pod uses something only while it is {@code Running} on a node annotated
 * {@value #NODE_ANNOTATION}{@code : "true"}; each of its containers then uses, per resource (cpu, memory):
 * <ol>
 *   <li>its share of the pod's annotation {@value #USAGE_ANNOTATION}, {@code "cpu=250m,memory=64Mi"} (quantities
 *   for the whole pod, split evenly across its containers; a resource the annotation leaves out, or an annotation
 *   that does not parse, falls back to the next rules),</li>
 *   <li>else the container's request,</li>
 *   <li>else {@link #DEFAULT_CPU} cpu and {@link #DEFAULT_MEMORY} memory.</li>
 * </ol>
 * A simulated node uses the sum of its Running pods' usage plus {@link #NODE_BASE_CPU} and {@link #NODE_BASE_MEMORY}
 * (the system daemons of a real node). Amounts are cores and bytes.
 */
public final class SimulatedUsage {

    /** The annotation of the simulated nodes (the simulated kubelet's). */
    public static final String NODE_ANNOTATION = "kapi.dev/simulated-node";
    /** The pod annotation that sets its usage: {@code cpu=<quantity>,memory=<quantity>} for the whole pod. */
    public static final String USAGE_ANNOTATION = "kapi.dev/simulated-usage";
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    static final BigDecimal DEFAULT_CPU = new BigDecimal("0.001");
    static final BigDecimal DEFAULT_MEMORY = BigDecimal.valueOf(8L << 20);
    static final BigDecimal NODE_BASE_CPU = new BigDecimal("0.05");
    static final BigDecimal NODE_BASE_MEMORY = BigDecimal.valueOf(128L << 20);

    private SimulatedUsage() {
    }

    /** Whether the node is one of the simulated nodes, whose pods have metrics. */
    public static boolean simulated(Node node) {
        return node != null && node.getMetadata().getAnnotations() != null
                && "true".equals(node.getMetadata().getAnnotations().get(NODE_ANNOTATION));
    }

    /** Whether the pod uses resources: Running on a simulated node (null: not such a pod). */
    public static boolean running(Pod pod, Node node) {
        return simulated(node) && pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                && pod.getSpec() != null && node.getMetadata().getName().equals(pod.getSpec().getNodeName());
    }

    /** Each container's usage (cpu in cores, memory in bytes), in the pod's order of containers. */
    public static Map<String, Map<String, BigDecimal>> containers(Pod pod) {
        List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
        Map<String, BigDecimal> annotated = annotation(pod);
        Map<String, Map<String, BigDecimal>> out = new LinkedHashMap<>();
        for (Container c : containers) {
            Map<String, BigDecimal> usage = new LinkedHashMap<>();
            usage.put(CPU, amount(c, CPU, annotated, containers.size(), DEFAULT_CPU));
            usage.put(MEMORY, amount(c, MEMORY, annotated, containers.size(), DEFAULT_MEMORY));
            out.put(c.getName(), usage);
        }
        return out;
    }

    /** The pod's usage: the sum over its containers. */
    public static Map<String, BigDecimal> pod(Pod pod) {
        return sum(containers(pod).values());
    }

    /** A simulated node's usage: its base plus the usage of {@code pods} that are Running on it. */
    public static Map<String, BigDecimal> node(Node node, List<Pod> pods) {
        Map<String, BigDecimal> total = new LinkedHashMap<>(Map.of(CPU, NODE_BASE_CPU, MEMORY, NODE_BASE_MEMORY));
        for (Pod p : pods) {
            if (running(p, node)) {
                pod(p).forEach((r, v) -> total.merge(r, v, BigDecimal::add));
            }
        }
        Map<String, BigDecimal> ordered = new LinkedHashMap<>();
        ordered.put(CPU, total.get(CPU));
        ordered.put(MEMORY, total.get(MEMORY));
        return ordered;
    }

    private static BigDecimal amount(Container c, String resource, Map<String, BigDecimal> annotated, int containers,
                                     BigDecimal fallback) {
        BigDecimal pod = annotated.get(resource);
        if (pod != null) {
            BigDecimal share = pod.divide(BigDecimal.valueOf(containers), 9, RoundingMode.DOWN);
            return resource.equals(MEMORY) ? share.setScale(0, RoundingMode.DOWN) : share;
        }
        Quantity request = c.getResources() == null || c.getResources().getRequests() == null ? null
                : c.getResources().getRequests().get(resource);
        return request == null ? fallback : QuantityValues.bounded(request.getNumericalAmount(), RoundingMode.UP);
    }

    /** The annotation's quantities; an annotation that does not parse counts as absent. */
    static Map<String, BigDecimal> annotation(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(USAGE_ANNOTATION);
        if (value == null || value.isBlank()) {
            return Map.of();
        }
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        try {
            for (String part : value.split(",")) {
                String[] kv = part.split("=", 2);
                String key = kv[0].trim();
                if (kv.length != 2 || !(key.equals(CPU) || key.equals(MEMORY))) {
                    return Map.of();
                }
                BigDecimal amount = QuantityValues.bounded(new Quantity(kv[1].trim()).getNumericalAmount(),
                        RoundingMode.UP);
                if (amount.signum() < 0) {
                    return Map.of();
                }
                out.put(key, amount);
            }
        } catch (RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    private static Map<String, BigDecimal> sum(Iterable<Map<String, BigDecimal>> usages) {
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        total.put(CPU, BigDecimal.ZERO);
        total.put(MEMORY, BigDecimal.ZERO);
        usages.forEach(u -> u.forEach((r, v) -> total.merge(r, v, BigDecimal::add)));
        return total;
    }

    /**
     * The quantity as metrics-server writes it: cpu from nanocores in kube's canonical decimal form ({@code 250m},
     * {@code 83333333n}, {@code 2}), memory from bytes in canonical binary form ({@code 64Mi}, {@code 1000}).
     */
    public static Quantity quantity(String resource, BigDecimal amount) {
        if (resource.equals(CPU)) {
            long nanos = QuantityValues.toLong(amount.scaleByPowerOfTen(9), RoundingMode.DOWN);
            return canonical(nanos, 1000, new String[]{"n", "u", "m", "", "k", "M", "G"});
        }
        long bytes = QuantityValues.toLong(amount, RoundingMode.DOWN);
        return canonical(bytes, 1024, new String[]{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"});
    }

    private static Quantity canonical(long value, int base, String[] suffixes) {
        int i = 0;
        while (value != 0 && value % base == 0 && i < suffixes.length - 1) {
            value /= base;
            i++;
        }
        return new Quantity(value + suffixes[value == 0 ? (base == 1000 ? 3 : 0) : i]);
    }
}

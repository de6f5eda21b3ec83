package dev.kapi.apiserver.registry.groups.metrics;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NodeMetrics and PodMetrics of {@link SimulatedUsage}, shaped as metrics-server answers: named after the node
 * or pod, with its labels, created and timestamped at the moment asked, a window of {@value #POD_WINDOW} for pods
 * (metrics-server's) and {@value #NODE_WINDOW} for nodes (a kubelet's resource-metrics window).
 */
public final class MetricsObjects {

    public static final String API_VERSION = "metrics.k8s.io/v1beta1";
    static final String POD_WINDOW = "30s";
    static final String NODE_WINDOW = "20.05s";
    /**
     * The window field, written as metrics-server does ({@code "30s"}): fabric8's {@code Duration} would write
     * nanoseconds and cannot hold fractions of a second, so the field goes out as an additional property.
     */
    public static final String WINDOW = "window";

    private MetricsObjects() {
    }

    /** The metrics of a simulated node (null for a node that is not simulated: it has none). */
    public static NodeMetrics node(Node node, List<Pod> pods, Instant now) {
        if (!SimulatedUsage.simulated(node)) {
            return null;
        }
        NodeMetrics m = new NodeMetrics();
        m.setApiVersion(API_VERSION);
        m.setKind("NodeMetrics");
        m.setMetadata(meta(node.getMetadata(), now));
        m.setTimestamp(timestamp(now));
        m.setAdditionalProperty(WINDOW, NODE_WINDOW);
        m.setUsage(quantities(SimulatedUsage.node(node, pods)));
        return m;
    }

    /** The metrics of a pod Running on {@code node} (null when it is not: it has none). */
    public static PodMetrics pod(Pod pod, Node node, Instant now) {
        if (!SimulatedUsage.running(pod, node)) {
            return null;
        }
        PodMetrics m = new PodMetrics();
        m.setApiVersion(API_VERSION);
        m.setKind("PodMetrics");
        m.setMetadata(meta(pod.getMetadata(), now));
        m.setTimestamp(timestamp(now));
        m.setAdditionalProperty(WINDOW, POD_WINDOW);
        m.setContainers(SimulatedUsage.containers(pod).entrySet().stream().map(e -> {
            ContainerMetrics c = new ContainerMetrics();
            c.setName(e.getKey());
            c.setUsage(quantities(e.getValue()));
            return c;
        }).toList());
        return m;
    }

    private static ObjectMeta meta(ObjectMeta of, Instant now) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(of.getName());
        meta.setNamespace(of.getNamespace());
        meta.setCreationTimestamp(timestamp(now));
        meta.setLabels(of.getLabels() == null ? null : new LinkedHashMap<>(of.getLabels()));
        return meta;
    }

    private static String timestamp(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Map<String, Quantity> quantities(Map<String, BigDecimal> usage) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        usage.forEach((r, v) -> out.put(r, SimulatedUsage.quantity(r, v)));
        return out;
    }
}

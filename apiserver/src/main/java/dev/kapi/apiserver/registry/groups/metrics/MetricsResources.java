package dev.kapi.apiserver.registry.groups.metrics;

import dev.kapi.apiserver.api.QuantityValues;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * metrics.k8s.io/v1beta1, served by this server itself rather than by an aggregated metrics-server: cluster-scoped
 * {@code nodes} (NodeMetrics) and namespaced {@code pods} (PodMetrics), get and list only, as metrics-server. Nothing
 * is stored: the handler computes every answer from {@link SimulatedUsage} at request time. Tables show
 * metrics-server's columns: Name, CPU, Memory, Window.
 */
public final class MetricsResources {

    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";

    private MetricsResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(
                ResourceDefinition.builder(GROUP, VERSION, "nodes", "NodeMetrics", NodeMetrics.class)
                        .clusterScoped().verbs("get", "list").strategy(new Strategy<>(NodeMetrics::getUsage,
                                m -> (String) m.getAdditionalProperties().get(MetricsObjects.WINDOW))).build(),
                ResourceDefinition.builder(GROUP, VERSION, "pods", "PodMetrics", PodMetrics.class)
                        .verbs("get", "list").strategy(new Strategy<>(MetricsResources::podUsage,
                                m -> (String) m.getAdditionalProperties().get(MetricsObjects.WINDOW))).build());
    }

    private static Map<String, Quantity> podUsage(PodMetrics m) {
        BigDecimal cpu = BigDecimal.ZERO;
        BigDecimal memory = BigDecimal.ZERO;
        for (ContainerMetrics c : m.getContainers()) {
            cpu = cpu.add(amount(c.getUsage(), SimulatedUsage.CPU));
            memory = memory.add(amount(c.getUsage(), SimulatedUsage.MEMORY));
        }
        return Map.of(SimulatedUsage.CPU, SimulatedUsage.quantity(SimulatedUsage.CPU, cpu),
                SimulatedUsage.MEMORY, SimulatedUsage.quantity(SimulatedUsage.MEMORY, memory));
    }

    private static BigDecimal amount(Map<String, Quantity> usage, String resource) {
        Quantity q = usage == null ? null : usage.get(resource);
        return q == null ? BigDecimal.ZERO : QuantityValues.bounded(q.getNumericalAmount(), RoundingMode.UP);
    }

    /** Read-only metrics: only table columns, the rest of the strategy is never asked (nothing is written). */
    private record Strategy<T extends HasMetadata>(Function<T, Map<String, Quantity>> usage,
                                                   Function<T, String> window) implements ResourceStrategy<T> {
        @Override
        public List<TableColumn<T>> tableColumns() {
            return List.of(
                    TableColumn.nameColumn(),
                    TableColumn.of("CPU", "string", "CPU usage", m -> show(usage.apply(m), SimulatedUsage.CPU)),
                    TableColumn.of("Memory", "string", "Memory usage",
                            m -> show(usage.apply(m), SimulatedUsage.MEMORY)),
                    TableColumn.of("Window", "string", "Time window of the usage", m -> window.apply(m)));
        }

        private static String show(Map<String, Quantity> usage, String resource) {
            Quantity q = usage == null ? null : usage.get(resource);
            return q == null ? "" : q.toString();
        }
    }
}

package dev.kapi.apiserver.registry.groups.metrics;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated usage rules, as tables: annotation, requests, defaults, who has metrics, node sums, quantities. */
class SimulatedUsageTest {

    static final Node SIMULATED = node("kapi-node-0", true);
    static final Instant NOW = Instant.parse("2026-12-04T19:00:00.123Z");

    @ParameterizedTest(name = "{0} | requests {1} {2} on {3} containers -> {4} {5} each")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            cpu=250m,memory=64Mi | -    | -    | 1 | 250m       | 64Mi
            cpu=300m,memory=64Mi | -    | -    | 2 | 150m       | 32Mi
            cpu=1,memory=1Gi     | -    | -    | 3 | 333333333n | 357913941
            cpu=2                | 10m  | 16Mi | 1 | 2          | 16Mi
            memory=1G            | 10m  | -    | 1 | 10m        | 1G
            -                    | 100m | 32Mi | 1 | 100m       | 32Mi
            -                    | -    | -    | 2 | 1m         | 8Mi
            cpu=lots             | 20m  | -    | 1 | 20m        | 8Mi
            gpu=1                | -    | -    | 1 | 1m         | 8Mi
            cpu=-1               | -    | -    | 1 | 1m         | 8Mi
            """)
    void eachContainerUsesItsShareOfTheAnnotationElseItsRequestsElseTheDefault(
            String annotation, String cpuRequest, String memoryRequest, int containers, String cpu, String memory) {
        Pod pod = pod("p", annotation, containers, cpuRequest, memoryRequest, "Running");
        Map<String, Map<String, BigDecimal>> usage = SimulatedUsage.containers(pod);
        assertThat(usage).hasSize(containers);
        usage.values().forEach(u -> {
            assertThat(SimulatedUsage.quantity("cpu", u.get("cpu"))).isEqualTo(new Quantity(cpu));
            assertThat(SimulatedUsage.quantity("memory", u.get("memory")).toString())
                    .isEqualTo(new Quantity(memory).getNumericalAmount().compareTo(BigDecimal.valueOf(1_000_000_000))
                            == 0 ? "1000000000" : memory);
        });
    }

    @ParameterizedTest(name = "{0} cores -> {1}, {2} bytes -> {3}")
    @CsvSource(textBlock = """
            0.25,        250m,       67108864,  64Mi
            2,           2,          1000,      1000
            0.000000001, 1n,         1024,      1Ki
            0.0015,      1500u,      0,         0
            0,           0,          1536,      1536
            """)
    void quantitiesAreWrittenInKubesCanonicalForm(String cores, String cpu, long bytes, String memory) {
        assertThat(SimulatedUsage.quantity("cpu", new BigDecimal(cores)).toString()).isEqualTo(cpu);
        assertThat(SimulatedUsage.quantity("memory", BigDecimal.valueOf(bytes)).toString()).isEqualTo(memory);
    }

    @ParameterizedTest(name = "phase {0}, node simulated {1}, on the node {2} -> metrics {3}")
    @CsvSource(textBlock = """
            Running,   true,  true,  true
            Pending,   true,  true,  false
            Succeeded, true,  true,  false
            Running,   false, true,  false
            Running,   true,  false, false
            """)
    void onlyPodsRunningOnASimulatedNodeHaveMetrics(String phase, boolean simulated, boolean onIt, boolean has) {
        Node node = node("kapi-node-0", simulated);
        Pod pod = pod("p", null, 1, null, null, phase);
        if (!onIt) {
            pod.getSpec().setNodeName("elsewhere");
        }
        assertThat(MetricsObjects.pod(pod, node, NOW) != null).isEqualTo(has);
        assertThat(MetricsObjects.node(node, List.of(), NOW) != null).isEqualTo(simulated);
    }

    @Test
    void aNodeUsesItsBasePlusItsRunningPods() {
        List<Pod> pods = List.of(pod("a", "cpu=200m,memory=100Mi", 2, null, null, "Running"),
                pod("b", null, 1, "100m", "20Mi", "Running"),
                pod("pending", "cpu=5", 1, null, null, "Pending"));
        var metrics = MetricsObjects.node(SIMULATED, pods, NOW);
        assertThat(metrics.getUsage()).isEqualTo(Map.of("cpu", new Quantity("350m"), "memory", new Quantity("248Mi")));
        assertThat(metrics.getMetadata().getName()).isEqualTo("kapi-node-0");
        assertThat(metrics.getMetadata().getLabels()).containsEntry("type", "kapi");
        assertThat(metrics.getTimestamp()).isEqualTo("2026-12-04T19:00:00Z");
        assertThat(metrics.getAdditionalProperties()).containsEntry("window", "20.05s");
    }

    @Test
    void podMetricsCarryThePodsNameNamespaceLabelsAndKubesWindow() {
        var metrics = MetricsObjects.pod(pod("web", null, 1, null, null, "Running"), SIMULATED, NOW);
        assertThat(metrics.getMetadata().getNamespace()).isEqualTo("ns");
        assertThat(metrics.getMetadata().getLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(metrics.getAdditionalProperties()).containsEntry("window", "30s");
        assertThat(metrics.getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo("c0");
            assertThat(c.getUsage()).isEqualTo(Map.of("cpu", new Quantity("1m"), "memory", new Quantity("8Mi")));
        });
    }

    static Node node(String name, boolean simulated) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("type", "kapi"))
                .withAnnotations(simulated ? Map.of(SimulatedUsage.NODE_ANNOTATION, "true") : Map.of())
                .endMetadata().build();
    }

    static Pod pod(String name, String annotation, int containers, String cpu, String memory, String phase) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .withLabels(Map.of("app", name))
                .withAnnotations(annotation == null ? Map.of() : Map.of(SimulatedUsage.USAGE_ANNOTATION, annotation))
                .endMetadata().withNewSpec().withNodeName("kapi-node-0").endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        Pod pod = b.build();
        for (int i = 0; i < containers; i++) {
            Map<String, Quantity> requests = new LinkedHashMap<>();
            if (cpu != null) {
                requests.put("cpu", new Quantity(cpu));
            }
            if (memory != null) {
                requests.put("memory", new Quantity(memory));
            }
            pod.getSpec().getContainers().add(new ContainerBuilder().withName("c" + i).withImage("x")
                    .withNewResources().withRequests(requests).endResources().build());
        }
        return pod;
    }
}

package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.registry.groups.metrics.SimulatedUsage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's replica calculation for a cpu utilization target of 100% of a 100m request, as a table: the pods are
 * written {@code <kind>:<millicores>}, kind {@code r} Running and Ready on a simulated node (for ten minutes),
 * {@code m} Running on a node that is not simulated (no metrics), {@code p} Pending, {@code n} Ready only now.
 */
class ReplicaCalculatorTest {

    static final Instant NOW = Instant.parse("2026-12-04T19:00:00Z");
    static final Node SIMULATED = new NodeBuilder().withNewMetadata().withName("sim")
            .withAnnotations(Map.of(SimulatedUsage.NODE_ANNOTATION, "true")).endMetadata().build();
    static final Node REAL = new NodeBuilder().withNewMetadata().withName("real").endMetadata().build();

    @ParameterizedTest(name = "{0} pods {1} -> {2} replicas, utilization {3}")
    @CsvSource(delimiter = '|', textBlock = """
            2 | r:150 r:150             | 3 | 150
            2 | r:105 r:105             | 2 | 105
            4 | r:10 r:10 r:10 r:10     | 1 | 10
            4 | r:200 r:200 m:0 m:0     | 4 | 200
            4 | r:50 r:50 r:50 m:0      | 3 | 50
            3 | r:200 r:200 p:0         | 4 | 200
            3 | r:200 r:200 n:900       | 4 | 200
            2 | r:50 n:900              | 1 | 50
            """)
    void utilization(int current, String pods, int expected, int utilization) {
        ReplicaCalculator calc = new ReplicaCalculator(name -> name.equals("sim") ? SIMULATED : REAL,
                Clock.fixed(NOW, ZoneOffset.UTC));
        ReplicaCalculator.Proposal p = calc.utilization(current, 100, "cpu", pods(pods));
        assertThat(p.replicas()).isEqualTo(expected);
        assertThat(p.utilization()).isEqualTo(utilization);
    }

    /** Memory has no readiness rule: a pod Ready only now counts; a missing pod counts as the target downwards. */
    @ParameterizedTest(name = "{0} pods {1} (Mi) -> {2} replicas")
    @CsvSource(delimiter = '|', textBlock = """
            2 | r:150 r:150             | 3
            2 | r:150 n:150             | 3
            3 | r:50 r:50 m:0           | 2
            2 | r:95 r:105              | 2
            """)
    void averageValueOfMemory(int current, String pods, int expected) {
        ReplicaCalculator calc = new ReplicaCalculator(name -> name.equals("sim") ? SIMULATED : REAL,
                Clock.fixed(NOW, ZoneOffset.UTC));
        long targetMilli = (100L << 20) * 1000;
        assertThat(calc.averageValue(current, targetMilli, "memory", pods(pods.replace(":", "~"))).replicas())
                .isEqualTo(expected);
    }

    /** Pods from the table's spelling; with {@code ~} the number is memory in Mi. */
    static List<Pod> pods(String spec) {
        List<Pod> pods = new ArrayList<>();
        int i = 0;
        for (String s : spec.trim().split("\\s+")) {
            boolean memory = s.contains("~");
            String[] kv = s.split("[:~]");
            String kind = kv[0];
            String usage = memory ? "memory=" + kv[1] + "Mi" : "cpu=" + kv[1] + "m";
            String since = (kind.equals("n") ? NOW : NOW.minusSeconds(600)).toString();
            PodCondition ready = new PodCondition();
            ready.setType("Ready");
            ready.setStatus("True");
            ready.setLastTransitionTime(since);
            pods.add(new PodBuilder().withNewMetadata().withName("p" + i++)
                    .withAnnotations(Map.of(SimulatedUsage.USAGE_ANNOTATION, usage)).endMetadata()
                    .withNewSpec().withNodeName(kind.equals("m") ? "real" : "sim").addNewContainer().withName("c")
                    .withNewResources().withRequests(Map.of("cpu", new Quantity("100m"), "memory",
                            new Quantity("100m"))).endResources().endContainer().endSpec()
                    .withNewStatus().withPhase(kind.equals("p") ? "Pending" : "Running").withStartTime(since)
                    .withConditions(ready).endStatus().build());
        }
        return pods;
    }
}

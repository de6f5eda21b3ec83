package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.node;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's default scores on real etcd, where every node fits: the least allocated node, the preferred node
 * affinity, the node without an untolerated PreferNoSchedule taint, and the domain of preferred pod affinity
 * even when that node is busier; and kube's default spreading of the pods a Service selects.
 */
@ExtendWith(EtcdExtension.class)
class SchedulerScoresTest {

    record Case(String name, List<Node> nodes, List<Pod> existing, Pod pod, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Node a = node("a", "4").build();
        Node b = node("b", "4").build();
        Taint prefer = new Taint();
        prefer.setKey("spot");
        prefer.setValue("true");
        prefer.setEffect("PreferNoSchedule");
        return Stream.of(
                new Case("LeastAllocated: the emptier node", List.of(a, b),
                        List.of(pod("busy", "2").editSpec().withNodeName("a").endSpec().build()),
                        pod("p", "1").build(), "b"),
                new Case("BalancedAllocation: cpu and memory used alike", List.of(a, b),
                        List.of(pod("cpu-heavy", "2").editSpec().withNodeName("a").endSpec().build(),
                                pod("mem-heavy", null).editSpec().editFirstContainer().withNewResources()
                                        .addToRequests("memory", new Quantity("4Gi")).endResources().endContainer()
                                        .withNodeName("b").endSpec().build()),
                        pod("p", null).editSpec().editFirstContainer().withNewResources()
                                .addToRequests("memory", new Quantity("2Gi")).endResources().endContainer().endSpec()
                                .build(), "a"),
                new Case("NodeAffinity: the preferred node", List.of(a, node("b", "4").editMetadata()
                        .addToLabels("disk", "ssd").endMetadata().build()), List.of(),
                        pod("p", null).editSpec().withNewAffinity().withNewNodeAffinity()
                                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(1).withNewPreference()
                                .addToMatchExpressions(new NodeSelectorRequirement("disk", "In", List.of("ssd")))
                                .endPreference().endPreferredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                                .endAffinity().endSpec().build(), "b"),
                new Case("TaintToleration: not the PreferNoSchedule node", List.of(node("a", "4").editSpec()
                        .addToTaints(prefer).endSpec().build(), b), List.of(), pod("p", null).build(), "b"),
                new Case("InterPodAffinity: next to the preferred pods, though busier", List.of(a, b),
                        List.of(pod("db", "500m").editMetadata().addToLabels("app", "db").endMetadata().editSpec()
                                .withNodeName("b").endSpec().build()),
                        pod("p", null).editSpec().withNewAffinity().withNewPodAffinity()
                                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(10)
                                .withPodAffinityTerm(new PodAffinityTermBuilder().withTopologyKey("kubernetes.io/hostname")
                                        .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "db").build())
                                        .build()).endPreferredDuringSchedulingIgnoredDuringExecution().endPodAffinity()
                                .endAffinity().endSpec().build(), "b"));
    }

    /**
     * kube's system default spreading: a Service selects the pods, so the new one goes to the node of the zone
     * holding none of them, though that node is busier with another pod than the second empty node.
     */
    @Test
    void podsAServiceSelectsSpreadOverHostsAndZones() {
        try (SchedulerHarness h = new SchedulerHarness()) {
            h.create(node("a", "4").editMetadata().addToLabels(SpreadScore.ZONE, "z1").endMetadata().build());
            h.create(node("b", "4").editMetadata().addToLabels(SpreadScore.ZONE, "z1").endMetadata().build());
            h.create(node("c", "4").editMetadata().addToLabels(SpreadScore.ZONE, "z2").endMetadata().build());
            h.create(pod("web-0", null).editMetadata().addToLabels("app", "web").endMetadata().editSpec()
                    .withNodeName("a").endSpec().build());
            h.create(pod("other", "500m").editSpec().withNodeName("c").endSpec().build());
            Writes.create(h.stores.find("", "v1", "services", Service.class).orElseThrow(), SchedulerHarness.NS,
                    new ServiceBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                            .addToSelector("app", "web").addNewPort().withPort(80).endPort().endSpec().build());
            h.start();
            h.create(pod("web-1", null).editMetadata().addToLabels("app", "web").endMetadata().build());
            assertThat(h.awaitBound("web-1")).isEqualTo("c");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void score(Case c) {
        try (SchedulerHarness h = new SchedulerHarness()) {
            c.nodes().forEach(h::create);
            c.existing().forEach(h::create);
            h.start();
            h.create(c.pod());
            assertThat(h.awaitBound(c.pod().getMetadata().getName())).isEqualTo(c.expected());
        }
    }
}

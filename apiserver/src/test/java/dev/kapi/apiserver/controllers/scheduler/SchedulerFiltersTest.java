package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.testing.EtcdExtension;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.node;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of kube's default filters alone, on real etcd: some Nodes, the pods already on them, one pod to place,
 * and the node it must land on or the message of its PodScheduled=False (Unschedulable) condition. A pod
 * requesting half the memory is put on the expected node first, so that the scores would send the pod
 * elsewhere if the filter let it.
 */
@ExtendWith(EtcdExtension.class)
class SchedulerFiltersTest {

    private static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    private static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    /** @param expected the node, or the unschedulable message */
    record Case(String name, List<Node> nodes, List<Pod> existing, Pod pod, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String unschedulable(int nodes, String reasons, String preemption) {
        return "0/" + nodes + " nodes are available: " + reasons + ". preemption: 0/" + nodes
                + " nodes are available: " + preemption + ".";
    }

    static Stream<Case> cases() {
        Node a = node("a", "4").build();
        Node b = node("b", "4").build();
        return Stream.of(
                new Case("NodeUnschedulable: the schedulable node", List.of(cordoned("a"), b), List.of(),
                        pod("p", null).build(), "b"),
                new Case("NodeUnschedulable: tolerated", List.of(cordoned("a")), List.of(),
                        tolerating(pod("p", null), "node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule"), "a"),
                new Case("NodeUnschedulable: none left", List.of(cordoned("a"), cordoned("b")), List.of(),
                        pod("p", null).build(), unschedulable(2, "2 node(s) were unschedulable", "2 " + NOT_HELPFUL)),
                new Case("NodeResourcesFit: the node with room", List.of(node("a", "1").build(), b), List.of(),
                        pod("p", "2").build(), "b"),
                new Case("NodeResourcesFit: pods already bound count", List.of(a, b),
                        List.of(bound(pod("old", "3"), "b")), pod("p", "2").build(), "a"),
                new Case("NodeResourcesFit: insufficient cpu", List.of(a, b),
                        List.of(bound(pod("old1", "3"), "a"), bound(pod("old2", "3"), "b")), pod("p", "2").build(),
                        unschedulable(2, "2 Insufficient cpu", "2 " + NO_VICTIMS)),
                new Case("NodeResourcesFit: beyond allocatable", List.of(a), List.of(), pod("p", "8").build(),
                        unschedulable(1, "1 Insufficient cpu", "1 " + NOT_HELPFUL)),
                new Case("NodeResourcesFit: an init container's peak", List.of(node("a", "2").build(), node("b", "3").build()),
                        List.of(), withInit(pod("p", "1"), "3"), "b"),
                new Case("NodeResourcesFit: overhead", List.of(node("a", "2").build(), node("b", "3").build()),
                        List.of(), pod("p", "2").editSpec().addToOverhead("cpu", new Quantity("500m")).endSpec().build(), "b"),
                new Case("NodeResourcesFit: extended resources", List.of(a, withGpu("b")), List.of(),
                        pod("p", null).editSpec().editFirstContainer().withNewResources()
                                .addToRequests("example.com/gpu", new Quantity("1"))
                                .addToLimits("example.com/gpu", new Quantity("1")).endResources().endContainer()
                                .endSpec().build(), "b"),
                new Case("NodeResourcesFit: too many pods", List.of(node("a", "4").editStatus()
                        .addToAllocatable("pods", new Quantity("1")).endStatus().build()),
                        List.of(bound(pod("old", null), "a")), pod("p", null).build(),
                        unschedulable(1, "1 Too many pods", "1 " + NO_VICTIMS)),
                new Case("NodeAffinity: nodeSelector", List.of(a, labelled("b", "disk", "ssd")), List.of(),
                        pod("p", null).editSpec().addToNodeSelector("disk", "ssd").endSpec().build(), "b"),
                new Case("NodeAffinity: In", List.of(a, labelled("b", "zone", "z2")), List.of(),
                        required(pod("p", null), expr("zone", "In", "z1", "z2")), "b"),
                new Case("NodeAffinity: NotIn", List.of(labelled("a", "zone", "z1"), labelled("b", "zone", "z2")),
                        List.of(), required(pod("p", null), expr("zone", "NotIn", "z1")), "b"),
                new Case("NodeAffinity: Exists", List.of(a, labelled("b", "gpu", "yes")), List.of(),
                        required(pod("p", null), expr("gpu", "Exists")), "b"),
                new Case("NodeAffinity: DoesNotExist", List.of(labelled("a", "gpu", "yes"), b), List.of(),
                        required(pod("p", null), expr("gpu", "DoesNotExist")), "b"),
                new Case("NodeAffinity: Gt", List.of(labelled("a", "cores", "8"), labelled("b", "cores", "32")),
                        List.of(), required(pod("p", null), expr("cores", "Gt", "16")), "b"),
                new Case("NodeAffinity: Lt", List.of(labelled("a", "cores", "8"), labelled("b", "cores", "32")),
                        List.of(), required(pod("p", null), expr("cores", "Lt", "16")), "a"),
                new Case("NodeAffinity: matchFields metadata.name", List.of(a, b), List.of(),
                        requiredField(pod("p", null), "b"), "b"),
                new Case("NodeAffinity: no match", List.of(a, b), List.of(),
                        pod("p", null).editSpec().addToNodeSelector("disk", "ssd").endSpec().build(),
                        unschedulable(2, "2 node(s) didn't match Pod's node affinity/selector", "2 " + NOT_HELPFUL)),
                new Case("TaintToleration: NoSchedule", List.of(tainted("a", "dedicated", "db", "NoSchedule"), b),
                        List.of(), pod("p", null).build(), "b"),
                new Case("TaintToleration: NoExecute tolerated", List.of(tainted("a", "dedicated", "db", "NoExecute")),
                        List.of(), tolerating(pod("p", null), "dedicated", "Equal", "db", "NoExecute"), "a"),
                new Case("TaintToleration: untolerated", List.of(tainted("a", "dedicated", "db", "NoSchedule")),
                        List.of(), tolerating(pod("p", null), "dedicated", "Equal", "web", null),
                        unschedulable(1, "1 node(s) had untolerated taint {dedicated: db}", "1 " + NOT_HELPFUL)),
                new Case("Ready: not on a node not Ready", List.of(notReady("a"), b), List.of(),
                        pod("p", null).build(), "b"),
                new Case("Ready: the not-ready taint's message", List.of(notReady("a")), List.of(), pod("p", null).build(),
                        unschedulable(1, "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }",
                                "1 " + NOT_HELPFUL)),
                new Case("Ready: tolerated as DaemonSet pods do", List.of(notReady("a")), List.of(),
                        tolerating(pod("p", null), "node.kubernetes.io/not-ready", "Exists", null, "NoSchedule"), "a"),
                new Case("NodePorts: the free node", List.of(a, b), List.of(bound(hostPort(pod("old", null), 80), "a")),
                        hostPort(pod("p", null), 80).build(), "b"),
                new Case("NodePorts: none free", List.of(a), List.of(bound(hostPort(pod("old", null), 80), "a")),
                        hostPort(pod("p", null), 80).build(), unschedulable(1,
                                "1 node(s) didn't have free ports for the requested pod ports", "1 " + NO_VICTIMS)),
                new Case("InterPodAffinity: affinity", List.of(zoned("a", "z1"), zoned("b", "z2")),
                        List.of(bound(pod("db", null).editMetadata().addToLabels("app", "db").endMetadata(), "b")),
                        podAffinity(pod("p", null), true, "app", "db"), "b"),
                new Case("InterPodAffinity: anti-affinity", List.of(zoned("a", "z1"), zoned("b", "z2")),
                        List.of(bound(pod("db", null).editMetadata().addToLabels("app", "db").endMetadata(), "b")),
                        podAffinity(pod("p", null), false, "app", "db"), "a"),
                new Case("InterPodAffinity: existing pods' anti-affinity", List.of(zoned("a", "z1"), zoned("b", "z2")),
                        List.of(bound(new PodBuilder(podAffinity(pod("db", null), false, "app", "web")), "b")),
                        pod("p", null).editMetadata().addToLabels("app", "web").endMetadata().build(), "a"),
                new Case("InterPodAffinity: the first pod of its group", List.of(zoned("a", "z1")), List.of(),
                        podAffinity(pod("p", null).editMetadata().addToLabels("app", "db").endMetadata(), true, "app", "db"),
                        "a"),
                new Case("InterPodAffinity: no pod to join", List.of(zoned("a", "z1"), zoned("b", "z2")), List.of(),
                        podAffinity(pod("p", null), true, "app", "db"), unschedulable(2,
                                "2 node(s) didn't match pod affinity rules", "2 " + NOT_HELPFUL)),
                new Case("PodTopologySpread: the emptier zone", List.of(zoned("a", "z1"), zoned("b", "z2")),
                        List.of(bound(pod("w1", null).editMetadata().addToLabels("app", "web").endMetadata(), "a")),
                        spread(pod("p", null)), "b"),
                new Case("PodTopologySpread: skew and missing label", List.of(zoned("a", "z1"),
                        node("b", "4").editMetadata().addToLabels("topology.kubernetes.io/zone", "z2").endMetadata()
                                .editSpec().withUnschedulable(true).endSpec().build(), node("c", "4").build()),
                        List.of(bound(pod("w1", null).editMetadata().addToLabels("app", "web").endMetadata(), "a"),
                                bound(pod("w2", null).editMetadata().addToLabels("app", "web").endMetadata(), "a")),
                        spread(pod("p", null)),
                        unschedulable(3, "1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't "
                                + "match pod topology spread constraints (missing required label), 1 node(s) were "
                                + "unschedulable", "1 " + NO_VICTIMS + ", 2 " + NOT_HELPFUL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(Case c) {
        try (SchedulerHarness h = new SchedulerHarness()) {
            c.nodes().forEach(h::create);
            c.existing().forEach(h::create);
            boolean placed = c.expected().length() <= 2;
            if (placed && c.nodes().size() > 1) {
                // the scores prefer the other nodes: only the filter under test sends the pod here
                h.create(bound(pod("ballast", null).editSpec().editFirstContainer().withNewResources()
                        .addToRequests("memory", new Quantity("4Gi")).endResources().endContainer().endSpec(),
                        c.expected()));
            }
            h.start();
            h.create(c.pod());
            String name = c.pod().getMetadata().getName();
            if (placed) {
                assertThat(h.awaitBound(name)).isEqualTo(c.expected());
            } else {
                assertThat(h.awaitUnschedulable(name)).isEqualTo(c.expected());
                assertThat(h.nodeOf(name)).isNull();
            }
        }
    }

    private static Node cordoned(String name) {
        return node(name, "4").editSpec().withUnschedulable(true).endSpec().build();
    }

    private static Node labelled(String name, String key, String value) {
        return node(name, "4").editMetadata().addToLabels(key, value).endMetadata().build();
    }

    private static Node zoned(String name, String zone) {
        return labelled(name, "topology.kubernetes.io/zone", zone);
    }

    private static Node tainted(String name, String key, String value, String effect) {
        Taint t = new Taint();
        t.setKey(key);
        t.setValue(value);
        t.setEffect(effect);
        return node(name, "4").editSpec().addToTaints(t).endSpec().build();
    }

    private static Node notReady(String name) {
        return node(name, "4").editStatus().editFirstCondition().withStatus("False").endCondition().endStatus().build();
    }

    private static Node withGpu(String name) {
        return node(name, "4").editStatus().addToAllocatable("example.com/gpu", new Quantity("2")).endStatus().build();
    }

    private static Pod bound(PodBuilder pod, String node) {
        return pod.editSpec().withNodeName(node).endSpec().build();
    }

    private static Pod tolerating(PodBuilder pod, String key, String operator, String value, String effect) {
        Toleration t = new Toleration();
        t.setKey(key);
        t.setOperator(operator);
        t.setValue(value);
        t.setEffect(effect);
        return pod.editSpec().addToTolerations(t).endSpec().build();
    }

    private static Pod withInit(PodBuilder pod, String cpu) {
        return pod.editSpec().addNewInitContainer().withName("init").withImage("busybox").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).endResources().endInitContainer().endSpec().build();
    }

    private static NodeSelectorRequirement expr(String key, String operator, String... values) {
        return new NodeSelectorRequirement(key, operator, List.of(values));
    }

    private static Pod required(PodBuilder pod, NodeSelectorRequirement r) {
        return pod.editSpec().withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addToNodeSelectorTerms(new NodeSelectorTermBuilder().addToMatchExpressions(r).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec().build();
    }

    private static Pod requiredField(PodBuilder pod, String node) {
        return pod.editSpec().withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addToNodeSelectorTerms(new NodeSelectorTermBuilder()
                        .addToMatchFields(expr("metadata.name", "In", node)).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec().build();
    }

    private static PodBuilder hostPort(PodBuilder pod, int port) {
        return pod.editSpec().editFirstContainer().addNewPort().withContainerPort(port).withHostPort(port).endPort()
                .endContainer().endSpec();
    }

    private static Pod podAffinity(PodBuilder pod, boolean affinity, String key, String value) {
        var term = new io.fabric8.kubernetes.api.model.PodAffinityTermBuilder()
                .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels(key, value).build())
                .withTopologyKey("topology.kubernetes.io/zone").build();
        return affinity
                ? pod.editSpec().withNewAffinity().withNewPodAffinity().addToRequiredDuringSchedulingIgnoredDuringExecution(term)
                .endPodAffinity().endAffinity().endSpec().build()
                : pod.editSpec().withNewAffinity().withNewPodAntiAffinity()
                .addToRequiredDuringSchedulingIgnoredDuringExecution(term).endPodAntiAffinity().endAffinity().endSpec().build();
    }

    private static Pod spread(PodBuilder pod) {
        return pod.editMetadata().addToLabels("app", "web").endMetadata().editSpec().addNewTopologySpreadConstraint()
                .withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("DoNotSchedule")
                .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
                .endTopologySpreadConstraint().endSpec().build();
    }
}

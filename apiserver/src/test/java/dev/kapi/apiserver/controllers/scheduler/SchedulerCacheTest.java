package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerCacheTest {

    private final SchedulerCache cache = new SchedulerCache();

    private static Node node(String name, String label) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("l", label).endMetadata().build();
    }

    private static Pod pod(String name, String uid, String node, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(uid).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).endResources()
                .addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer().endSpec().build();
    }

    private NodeInfo info(String name) {
        return cache.nodeInfos().stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    @Test
    void nodesInNameOrderWithTheSumsOfTheirPodsKeptFromEvents() {
        cache.nodes().onAdd(node("n2", "a"));
        cache.nodes().onAdd(node("n1", "a"));
        Pod a = pod("a", "u1", "n1", "250m");
        Pod b = pod("b", "u2", "n1", "500m");
        cache.pods().onAdd(a);
        cache.pods().onAdd(b);
        cache.pods().onAdd(pod("c", "u3", "elsewhere", "1")); // a node not known: left out, as in kube

        assertThat(cache.nodeInfos()).extracting(n -> n.name).containsExactly("n1", "n2");
        assertThat(info("n1").requested).containsEntry("cpu", 750L);
        assertThat(info("n1").pods).containsExactly(a, b);
        assertThat(info("n1").usedPorts).containsExactly(new NodeInfo.HostPort(NodeInfo.ANY_IP, "TCP", 8080),
                new NodeInfo.HostPort(NodeInfo.ANY_IP, "TCP", 8080));
        assertThat(info("n2").pods).isEmpty();

        Pod finished = new PodBuilder(b).withNewStatus().withPhase("Succeeded").endStatus().build();
        cache.pods().onUpdate(b, finished);
        assertThat(info("n1").requested).containsEntry("cpu", 250L);
        cache.pods().onDelete(a);
        assertThat(info("n1").pods).isEmpty();

        cache.nodes().onAdd(node("elsewhere", "b"));
        assertThat(info("elsewhere").requested).containsEntry("cpu", 1000L);
        cache.nodes().onDelete(node("n2", "a"));
        assertThat(cache.nodeInfos()).extracting(n -> n.name).containsExactly("elsewhere", "n1");
    }

    @Test
    void aCycleReusesTheInfoOfEveryNodeThatDidNotChange() {
        cache.nodes().onAdd(node("n1", "a"));
        cache.nodes().onAdd(node("n2", "a"));
        cache.pods().onAdd(pod("a", "u1", "n1", "1"));
        List<NodeInfo> first = cache.nodeInfos();

        cache.pods().onAdd(pod("b", "u2", "n2", "1"));
        List<NodeInfo> second = cache.nodeInfos();
        assertThat(second.get(0)).isSameAs(first.get(0));
        assertThat(second.get(1)).isNotSameAs(first.get(1));
        assertThat(first.get(1).pods).isEmpty(); // what a past cycle saw is not changed

        Node relabelled = node("n1", "b");
        cache.nodes().onUpdate(node("n1", "a"), relabelled);
        List<NodeInfo> third = cache.nodeInfos();
        assertThat(third.get(0).labels).containsEntry("l", "b");
        assertThat(third.get(0).pods).hasSize(1);
        assertThat(third.get(1)).isSameAs(second.get(1));
    }

    @Test
    void anAssumedPodCountsUntilTheInformerShowsItBoundOrItsBindingFailed() {
        cache.nodes().onAdd(node("n1", "a"));
        Pod pending = pod("a", "u1", null, "1");
        cache.pods().onAdd(pending);
        assertThat(info("n1").pods).isEmpty();

        Pod assumed = new PodBuilder(pending).editSpec().withNodeName("n1").endSpec().build();
        cache.assume(assumed);
        assertThat(cache.isAssumed("ns/a", "u1")).isTrue();
        assertThat(cache.isAssumed("ns/a", "other")).isFalse();
        assertThat(info("n1").requested).containsEntry("cpu", 1000L);

        cache.pods().onUpdate(pending, new PodBuilder(pending).editMetadata().addToLabels("x", "y").endMetadata()
                .build()); // the informer has not seen the binding yet: still assumed
        assertThat(cache.isAssumed("ns/a", "u1")).isTrue();

        Pod bound = new PodBuilder(assumed).editMetadata().withResourceVersion("2").endMetadata().build();
        cache.pods().onUpdate(pending, bound);
        assertThat(cache.isAssumed("ns/a", "u1")).isFalse();
        assertThat(info("n1").pods).containsExactly(bound);
        cache.forget("ns/a", "u1"); // a late failure report does not drop a confirmed pod
        assertThat(info("n1").pods).containsExactly(bound);

        Pod other = pod("b", "u2", null, "1");
        cache.assume(new PodBuilder(other).editSpec().withNodeName("n1").endSpec().build());
        cache.forget("ns/b", "u2");
        assertThat(info("n1").pods).containsExactly(bound);

        cache.assume(new PodBuilder(other).editSpec().withNodeName("n1").endSpec().build());
        Pod deleting = new PodBuilder(other).editMetadata().withDeletionTimestamp("2026-12-05T00:00:00Z")
                .endMetadata().build();
        cache.pods().onUpdate(other, deleting); // being deleted before the informer saw it bound
        assertThat(info("n1").pods).containsExactly(bound);
    }

    @Test
    void aNodeSumsTheUsagesItIsGivenAndListsThePodsWithAffinityTerms() {
        Pod plain = pod("a", "u1", "n1", "250m");
        Pod withAffinity = new PodBuilder(pod("b", "u2", "n1", "100m")).editSpec().withNewAffinity()
                .withNewPodAntiAffinity().endPodAntiAffinity().endAffinity().endSpec().build();
        cache.nodes().onAdd(node("n1", "a"));
        cache.pods().onAdd(plain);
        cache.pods().onAdd(withAffinity);

        NodeInfo node = info("n1");
        assertThat(node.requested).containsEntry("cpu", 350L);
        assertThat(node.nonZeroRequested).containsEntry("memory", 2 * Resources.DEFAULT_MEMORY);
        assertThat(node.pods).containsExactly(plain, withAffinity);
        assertThat(node.podsWithAffinity).containsExactly(withAffinity);
    }
}

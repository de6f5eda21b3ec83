package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodUsagesTest {

    private static Pod pod(String uid, String resourceVersion, String cpu) {
        return new PodBuilder().withNewMetadata().withName("p-" + uid).withNamespace("ns").withUid(uid)
                .withResourceVersion(resourceVersion).endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).endResources()
                .addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer().endSpec().build();
    }

    @Test
    void aPodVersionIsWorkedOutOnceAcrossCyclesAndForgottenWhenNoCycleAsksForIt() {
        PodUsages usages = new PodUsages();
        NodeInfo.Usage first = usages.of(pod("a", "1", "250m"));
        assertThat(first.requests()).containsEntry("cpu", 250L);
        assertThat(first.nonZeroRequests()).containsEntry("memory", Resources.DEFAULT_MEMORY);
        assertThat(first.ports()).containsExactly(new NodeInfo.HostPort(NodeInfo.ANY_IP, "TCP", 8080));
        assertThat(first.affinity()).isFalse();
        usages.endCycle();

        assertThat(usages.of(pod("a", "1", "250m"))).isSameAs(first);
        NodeInfo.Usage changed = usages.of(pod("b", "1", "1"));
        usages.endCycle();
        NodeInfo.Usage updated = usages.of(pod("a", "2", "500m"));
        assertThat(updated).isNotSameAs(first);
        assertThat(updated.requests()).containsEntry("cpu", 500L);
        usages.endCycle();

        usages.endCycle(); // a cycle that asked for neither
        assertThat(usages.of(pod("b", "1", "1"))).isNotSameAs(changed).isEqualTo(changed);
    }

    @Test
    void aNodeSumsTheUsagesItIsGivenAndListsThePodsWithAffinityTerms() {
        Pod plain = pod("a", "1", "250m");
        Pod withAffinity = new PodBuilder(pod("b", "1", "100m")).editSpec().withNewAffinity().withNewPodAntiAffinity()
                .endPodAntiAffinity().endAffinity().endSpec().build();
        NodeInfo node = new NodeInfo(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("n1")
                .endMetadata().build());
        node.add(plain);
        node.add(withAffinity, NodeInfo.Usage.of(withAffinity));

        assertThat(node.requested).containsEntry("cpu", 350L);
        assertThat(node.pods).containsExactly(plain, withAffinity);
        assertThat(node.podsWithAffinity).containsExactly(withAffinity);
        assertThat(node.usedPorts).hasSize(2);
    }
}

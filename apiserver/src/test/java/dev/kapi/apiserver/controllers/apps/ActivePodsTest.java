package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which surplus pods are deleted (kube's ActivePodsWithRanks), one rule per pair of pods. */
class ActivePodsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static Pod pod(String name, String node, String phase, Boolean ready, String created, int restarts) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withUid(name).withCreationTimestamp(created)
                .endMetadata().withNewSpec().withNodeName(node).endSpec().withNewStatus().withPhase(phase)
                .addNewContainerStatus().withName("app").withRestartCount(restarts).endContainerStatus().endStatus()
                .build();
        if (ready != null) {
            pod.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready")
                    .withStatus(ready ? "True" : "False").withLastTransitionTime(created).build()));
        }
        return pod;
    }

    private static List<String> order(Pod... pods) {
        return ActivePods.rankedForDeletion(List.of(pods), List.of(pods), NOW).stream()
                .map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void ranksAsKubeDoes() {
        String old = "2025-01-01T00:00:00Z";
        String recent = "2026-01-01T11:59:00Z";
        // unscheduled first
        assertThat(order(pod("scheduled", "n1", "Running", true, old, 0), pod("unscheduled", null, "Pending", null, old, 0)))
                .containsExactly("unscheduled", "scheduled");
        // Pending before Running
        assertThat(order(pod("running", "n1", "Running", false, old, 0), pod("pending", "n1", "Pending", false, old, 0)))
                .containsExactly("pending", "running");
        // not Ready before Ready
        assertThat(order(pod("ready", "n1", "Running", true, old, 0), pod("notready", "n1", "Running", false, old, 0)))
                .containsExactly("notready", "ready");
        // doubled-up node first
        assertThat(order(pod("alone", "n1", "Running", true, old, 0), pod("a", "n2", "Running", true, old, 0),
                pod("b", "n2", "Running", true, old, 0)).get(2)).isEqualTo("alone");
        // more recently Ready first
        assertThat(order(pod("long", "n1", "Running", true, old, 0), pod("short", "n2", "Running", true, recent, 0)))
                .containsExactly("short", "long");
        // more restarts first
        assertThat(order(pod("stable", "n1", "Running", false, old, 0), pod("crashy", "n2", "Running", false, old, 5)))
                .containsExactly("crashy", "stable");
        // newer first
        assertThat(order(pod("older", "n1", "Running", false, old, 0), pod("newer", "n2", "Running", false, recent, 0)))
                .containsExactly("newer", "older");
    }
}

package dev.kapi.apiserver.controllers;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The disruption controller's arithmetic: percentages round up, evicted pods count as gone for two minutes. */
class DisruptionStatusTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void maxUnavailableAsAPercentageRoundsUp() {
        PodDisruptionBudget pdb = budget(null, new IntOrString("30%"));
        var s = DisruptionStatus.of(pdb, List.of(pod("a", true), pod("b", true), pod("c", true), pod("d", false)),
                NOW).status();
        // 30% of 4 rounds up to 2 unavailable: 2 desired, 3 healthy, 1 to spare
        assertThat(s.getExpectedPods()).isEqualTo(4);
        assertThat(s.getDesiredHealthy()).isEqualTo(2);
        assertThat(s.getCurrentHealthy()).isEqualTo(3);
        assertThat(s.getDisruptionsAllowed()).isEqualTo(1);
        assertThat(s.getObservedGeneration()).isEqualTo(3L);
        assertThat(s.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("SufficientPods");
        });
    }

    @Test
    void anEvictedPodCountsAsGoneUntilItsDeletionIsOverdue() {
        PodDisruptionBudget pdb = budget(new IntOrString(1), null);
        pdb.getStatus().setDisruptedPods(Map.of("a", "2026-12-03T09:59:00Z", "b", "2026-12-03T09:57:00Z",
                "gone", "2026-12-03T09:59:30Z"));
        DisruptionStatus d = DisruptionStatus.of(pdb, List.of(pod("a", true), pod("b", true), pod("c", true)), NOW);
        // a was evicted a minute ago and is held; b's eviction is over two minutes old: b counts again
        assertThat(d.status().getDisruptedPods()).containsOnlyKeys("a");
        assertThat(d.status().getCurrentHealthy()).isEqualTo(2);
        assertThat(d.status().getDisruptionsAllowed()).isEqualTo(1);
        assertThat(d.recheckAt()).isEqualTo(Instant.parse("2026-12-03T10:01:00Z"));
    }

    @Test
    void aPodBeingDeletedIsExpectedButNotHealthy() {
        Pod deleting = pod("a", true);
        deleting.getMetadata().setDeletionTimestamp("2026-12-03T09:59:00Z");
        var s = DisruptionStatus.of(budget(new IntOrString(1), null), List.of(deleting, pod("b", true)), NOW).status();
        assertThat(s.getExpectedPods()).isEqualTo(2);
        assertThat(s.getCurrentHealthy()).isEqualTo(1);
        assertThat(s.getDisruptionsAllowed()).isZero();
        assertThat(DisruptionStatus.same(s, s)).isTrue();
    }

    @Test
    void aBudgetWithNeitherMinAvailableNorMaxUnavailableAllowsNoDisruption() {
        var s = DisruptionStatus.of(budget(null, null), List.of(pod("a", true), pod("b", true)), NOW).status();
        assertThat(s.getExpectedPods()).isZero();
        assertThat(s.getDisruptionsAllowed()).isZero();
    }

    @Test
    void theControllersKeepOnlyWhatTheyReadOfAPod() {
        Pod pod = pod("a", true);
        pod.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("PodScheduled").withStatus("True").build());
        pod.setSpec(new io.fabric8.kubernetes.api.model.PodSpecBuilder().addNewContainer().withName("c")
                .endContainer().build());
        Pod view = DisruptionStatus.podView(pod);
        assertThat(view.getSpec()).isNull();
        assertThat(view.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(view.getStatus().getConditions()).extracting("type").containsExactly("Ready");
        assertThat(DisruptionStatus.of(budget(new IntOrString(0), null), List.of(view), NOW).status()
                .getCurrentHealthy()).isEqualTo(1);
    }

    private static PodDisruptionBudget budget(IntOrString min, IntOrString max) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb").withNamespace("ns")
                .withGeneration(3L).endMetadata()
                .withNewSpec().withMinAvailable(min).withMaxUnavailable(max)
                .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build()).endSpec()
                .withNewStatus().endStatus().build();
    }

    private static Pod pod(String name, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", "web")
                .endMetadata().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }
}

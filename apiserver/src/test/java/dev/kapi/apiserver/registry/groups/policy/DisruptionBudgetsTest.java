package dev.kapi.apiserver.registry.groups.policy;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube's checkAndDecrement, one case each, and which pods a budget selects. */
class DisruptionBudgetsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00.5Z");

    @Test
    void aStatusOfAnOlderGenerationIsStillBeingProcessed() {
        PodDisruptionBudget pdb = budget(2L, 1L, 3);
        assertThatThrownBy(() -> DisruptionBudgets.checkAndDecrement(pdb, "p", NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.status().getDetails().getRetryAfterSeconds()).isEqualTo(10);
                    assertThat(e.status().getDetails().getCauses().getFirst().getMessage())
                            .isEqualTo("The disruption budget pdb is still being processed by the server.");
                });
    }

    @Test
    void negativeAndOverfullBudgetsAreForbidden() {
        assertThatThrownBy(() -> DisruptionBudgets.checkAndDecrement(budget(1L, 1L, -1), "p", NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "poddisruptionbudget.policy \"pdb\" is forbidden: pdb disruptions allowed is negative"));
        PodDisruptionBudget full = budget(1L, 1L, 5);
        Map<String, String> pods = new HashMap<>();
        for (int i = 0; i <= DisruptionBudgets.MAX_DISRUPTED_PODS; i++) {
            pods.put("p" + i, "2026-12-03T10:00:00Z");
        }
        full.getStatus().setDisruptedPods(pods);
        assertThatThrownBy(() -> DisruptionBudgets.checkAndDecrement(full, "p", NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    @Test
    void noDisruptionLeftIsTooManyRequestsWithTheNumbers() {
        PodDisruptionBudget pdb = budget(1L, 1L, 0);
        pdb.getStatus().setDesiredHealthy(2);
        pdb.getStatus().setCurrentHealthy(2);
        assertThatThrownBy(() -> DisruptionBudgets.checkAndDecrement(pdb, "p", NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.getMessage()).isEqualTo(DisruptionBudgets.TOO_MANY);
                    assertThat(e.status().getDetails().getCauses().getFirst().getReason()).isEqualTo("DisruptionBudget");
                    assertThat(e.status().getDetails().getCauses().getFirst().getMessage())
                            .isEqualTo("The disruption budget pdb needs 2 healthy pods and has 2 currently");
                });
    }

    @Test
    void aDisruptionIsTakenAndThePodRecorded() {
        var two = DisruptionBudgets.checkAndDecrement(budget(1L, 1L, 2), "a", NOW);
        assertThat(two.getDisruptionsAllowed()).isEqualTo(1);
        assertThat(two.getDisruptedPods()).containsExactly(Map.entry("a", "2026-12-03T10:00:00Z"));
        assertThat(two.getConditions()).isNullOrEmpty();
        PodDisruptionBudget last = budget(1L, 1L, 1);
        var none = DisruptionBudgets.checkAndDecrement(last, "b", NOW);
        assertThat(none.getDisruptionsAllowed()).isZero();
        assertThat(none.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("DisruptionAllowed");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InsufficientPods");
        });
        assertThat(last.getStatus().getDisruptionsAllowed()).as("the budget read is left as it was").isEqualTo(1);
    }

    @Test
    void budgetsSelectByLabelsInTheirNamespaceAndEmptyOrInvalidSelectorsSelectNothing() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").addToLabels("app", "web")
                .endMetadata().build();
        PodDisruptionBudget pdb = budget(1L, 1L, 1);
        assertThat(DisruptionBudgets.selects(pdb, pod)).isTrue();
        pdb.getMetadata().setNamespace("other");
        assertThat(DisruptionBudgets.selects(pdb, pod)).isFalse();
        pdb.getMetadata().setNamespace("ns");
        pdb.getSpec().setSelector(new LabelSelectorBuilder().build());
        assertThat(DisruptionBudgets.selects(pdb, pod)).isFalse();
        pdb.getSpec().setSelector(new LabelSelectorBuilder().withMatchExpressions(new LabelSelectorRequirementBuilder()
                .withKey("app").withOperator("Near").build()).build());
        assertThat(DisruptionBudgets.selects(pdb, pod)).isFalse();
    }

    @Test
    void anUnreadyPodGoesFreeOnlyWhileItsBudgetIsHealthyOrSaysAlwaysAllow() {
        Pod unready = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
        PodDisruptionBudget pdb = budget(1L, 1L, 0);
        pdb.getStatus().setDesiredHealthy(2);
        pdb.getStatus().setCurrentHealthy(2);
        assertThat(DisruptionBudgets.unhealthyMayGo(pdb, unready)).isTrue();
        pdb.getStatus().setCurrentHealthy(1);
        assertThat(DisruptionBudgets.unhealthyMayGo(pdb, unready)).isFalse();
        pdb.getSpec().setUnhealthyPodEvictionPolicy("AlwaysAllow");
        assertThat(DisruptionBudgets.unhealthyMayGo(pdb, unready)).isTrue();
    }

    private static PodDisruptionBudget budget(long generation, long observed, int allowed) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb").withNamespace("ns")
                .withGeneration(generation).endMetadata()
                .withNewSpec().withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build()).endSpec()
                .withNewStatus().withObservedGeneration(observed).withDisruptionsAllowed(allowed)
                .withCurrentHealthy(0).withDesiredHealthy(0).withExpectedPods(0).endStatus().build();
    }
}

package dev.kapi.apiserver.controllers.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's normalization of the wanted replicas, as tables: rules without behavior, policies, windows. */
class ScalingBehaviorTest {

    static final Instant T0 = Instant.parse("2026-12-04T19:00:00Z");

    @ParameterizedTest(name = "no behavior: {0} -> {1} within [{2}, {3}]: {4} {5}")
    @CsvSource(textBlock = """
            2,  3,  1, 10, 3,  DesiredWithinRange
            2,  9,  1, 10, 4,  ScaleUpLimit
            5,  30, 1, 10, 10, TooManyReplicas
            3,  3,  1, 10, 3,  DesiredWithinRange
            3,  1,  2, 10, 2,  TooFewReplicas
            """)
    void withoutBehaviorAtMostTwiceTheReplicasOrFour(int current, int desired, int min, int max, int expected,
                                                    String reason) {
        ScalingBehavior b = new ScalingBehavior(Duration.ZERO);
        ScalingBehavior.Outcome o = b.normalize("k", null, min, max, current, desired, T0);
        assertThat(o.replicas()).isEqualTo(expected);
        assertThat(o.limitReason()).isEqualTo(reason);
        assertThat(o.limited()).isEqualTo(expected != desired);
    }

    @ParameterizedTest(name = "{0} policy {1} {2} and {3} {4}: {5} -> {6} gives {7} ({8})")
    @CsvSource(textBlock = """
            Max,      Pods, 4, Percent, 100, 2,  20, 6,  ScaleUpLimit
            Min,      Pods, 4, Percent, 100, 2,  20, 4,  ScaleUpLimit
            Max,      Pods, 1, Percent, 10,  8,  20, 9,  ScaleUpLimit
            Disabled, Pods, 4, Percent, 100, 2,  20, 2,  ScaleUpLimit
            Max,      Pods, 4, Percent, 100, 2,  5,  5,  DesiredWithinRange
            Max,      Pods, 4, Percent, 100, 8,  50, 10, TooManyReplicas
            """)
    void scaleUpPoliciesLimitTheRate(String select, String type1, int value1, String type2, int value2, int current,
                                     int desired, int expected, String reason) {
        ScalingBehavior b = new ScalingBehavior(Duration.ZERO);
        HorizontalPodAutoscalerBehavior behavior = behavior(rules(select, 0, policy(type1, value1), policy(type2,
                value2)), rules("Max", 0, policy("Percent", 100)));
        ScalingBehavior.Outcome o = b.normalize("k", behavior, 1, 10, current, desired, T0);
        assertThat(o.replicas()).isEqualTo(expected);
        assertThat(o.limitReason()).isEqualTo(reason);
    }

    @ParameterizedTest(name = "down {0} {1}: {2} -> {3} gives {4} ({5})")
    @CsvSource(textBlock = """
            Pods,    1,   10, 2, 9, ScaleDownLimit
            Percent, 50,  10, 2, 5, ScaleDownLimit
            Percent, 100, 10, 0, 1, TooFewReplicas
            Pods,    5,   10, 7, 7, DesiredWithinRange
            """)
    void scaleDownPoliciesLimitTheRate(String type, int value, int current, int desired, int expected, String reason) {
        ScalingBehavior b = new ScalingBehavior(Duration.ZERO);
        HorizontalPodAutoscalerBehavior behavior = behavior(ScalingBehavior.defaultUp(),
                rules("Max", 0, policy(type, value)));
        ScalingBehavior.Outcome o = b.normalize("k", behavior, 1, 20, current, desired, T0);
        assertThat(o.replicas()).isEqualTo(expected);
        assertThat(o.limitReason()).isEqualTo(reason);
    }

    @Test
    void theScaleEventsOfAPeriodCountAgainstItsPolicy() {
        ScalingBehavior b = new ScalingBehavior(Duration.ZERO);
        HorizontalPodAutoscalerBehavior behavior = behavior(rules("Max", 0, policy("Pods", 2)),
                rules("Max", 0, policy("Percent", 100)));
        assertThat(b.normalize("k", behavior, 1, 20, 2, 10, T0).replicas()).isEqualTo(4);
        b.scaled("k", behavior, 2, 4, T0);
        // 10 s later the period (15 s) still holds the +2: nothing more
        assertThat(b.normalize("k", behavior, 1, 20, 4, 10, T0.plusSeconds(10)).replicas()).isEqualTo(4);
        // once it has passed, 2 more
        assertThat(b.normalize("k", behavior, 1, 20, 4, 10, T0.plusSeconds(16)).replicas()).isEqualTo(6);
    }

    @Test
    void theDownscaleWindowKeepsTheHighestRecommendation() {
        ScalingBehavior b = new ScalingBehavior(Duration.ofMinutes(5));
        b.recordInitial("k", 6, T0);
        ScalingBehavior.Outcome held = b.normalize("k", null, 1, 10, 6, 2, T0.plusSeconds(60));
        assertThat(held.replicas()).isEqualTo(6);
        assertThat(held.ableReason()).isEqualTo("ScaleDownStabilized");
        // after the window, the highest recommendation since then: 2
        ScalingBehavior.Outcome later = b.normalize("k", null, 1, 10, 6, 2, T0.plusSeconds(361));
        assertThat(later.replicas()).isEqualTo(2);
        assertThat(later.ableReason()).isEqualTo("ReadyForNewScale");
    }

    @Test
    void aScaleUpWindowKeepsTheLowestRecommendation() {
        ScalingBehavior b = new ScalingBehavior(Duration.ZERO);
        HorizontalPodAutoscalerBehavior behavior = behavior(rules("Max", 60, policy("Percent", 1000)),
                rules("Max", 0, policy("Percent", 100)));
        b.recordInitial("k", 2, T0);
        ScalingBehavior.Outcome o = b.normalize("k", behavior, 1, 10, 2, 8, T0.plusSeconds(30));
        assertThat(o.replicas()).isEqualTo(2);
        assertThat(o.ableReason()).isEqualTo("ScaleUpStabilized");
        assertThat(b.normalize("k", behavior, 1, 10, 2, 8, T0.plusSeconds(61)).replicas()).isEqualTo(8);
    }

    @Test
    void aBehaviorWithoutAScaleDownWindowUsesTheControllers() {
        ScalingBehavior b = new ScalingBehavior(Duration.ofSeconds(100));
        HorizontalPodAutoscalerBehavior behavior = behavior(ScalingBehavior.defaultUp(),
                rules("Max", null, policy("Percent", 100)));
        b.recordInitial("k", 5, T0);
        assertThat(b.normalize("k", behavior, 1, 10, 5, 1, T0.plusSeconds(50)).replicas()).isEqualTo(5);
        assertThat(b.normalize("k", behavior, 1, 10, 5, 1, T0.plusSeconds(151)).replicas()).isEqualTo(1);
    }

    static HorizontalPodAutoscalerBehavior behavior(HPAScalingRules up, HPAScalingRules down) {
        HorizontalPodAutoscalerBehavior b = new HorizontalPodAutoscalerBehavior();
        b.setScaleUp(up);
        b.setScaleDown(down);
        return b;
    }

    static HPAScalingRules rules(String select, Integer window, HPAScalingPolicy... policies) {
        HPAScalingRules r = new HPAScalingRules();
        r.setSelectPolicy(select);
        r.setStabilizationWindowSeconds(window);
        r.setPolicies(List.of(policies));
        return r;
    }

    static HPAScalingPolicy policy(String type, int value) {
        return new HPAScalingPolicy(15, type, value);
    }
}

package dev.kapi.apiserver.registry.groups.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's autoscaling/v2 defaults: {@code minReplicas} 1, a CPU utilization target of 80% when no metric is
 * given, and a given {@code behavior} completed with kube's scale-up (4 pods or 100% per 15 s, no
 * stabilization, Max) and scale-down (100% per 15 s, Max) rules.
 */
public final class HpaDefaults {

    /** kube's {@code autoscaling.DefaultCPUUtilization}. */
    public static final int DEFAULT_CPU_UTILIZATION = 80;

    private HpaDefaults() {
    }

    public static void apply(HorizontalPodAutoscaler hpa) {
        HorizontalPodAutoscalerSpec spec = hpa.getSpec();
        if (spec == null) {
            spec = new HorizontalPodAutoscalerSpec();
            hpa.setSpec(spec);
        }
        if (spec.getMinReplicas() == null) {
            spec.setMinReplicas(1);
        }
        if (spec.getMetrics() == null || spec.getMetrics().isEmpty()) {
            spec.setMetrics(new ArrayList<>(List.of(new MetricSpecBuilder().withType("Resource")
                    .withNewResource().withName("cpu").withNewTarget().withType("Utilization")
                    .withAverageUtilization(DEFAULT_CPU_UTILIZATION).endTarget().endResource().build())));
        }
        if (spec.getBehavior() != null) {
            spec.getBehavior().setScaleUp(complete(spec.getBehavior().getScaleUp(), 0,
                    List.of(policy("Pods", 4), policy("Percent", 100))));
            spec.getBehavior().setScaleDown(complete(spec.getBehavior().getScaleDown(), null,
                    List.of(policy("Percent", 100))));
        }
    }

    private static HPAScalingRules complete(HPAScalingRules rules, Integer stabilization, List<HPAScalingPolicy> policies) {
        HPAScalingRules r = rules != null ? rules : new HPAScalingRules();
        if (r.getStabilizationWindowSeconds() == null) {
            r.setStabilizationWindowSeconds(stabilization);
        }
        if (r.getSelectPolicy() == null) {
            r.setSelectPolicy("Max");
        }
        if (r.getPolicies() == null || r.getPolicies().isEmpty()) {
            r.setPolicies(new ArrayList<>(policies));
        }
        return r;
    }

    private static HPAScalingPolicy policy(String type, int value) {
        return new HPAScalingPolicy(15, type, value);
    }
}

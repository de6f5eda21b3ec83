package dev.kapi.apiserver.controllers.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status one sync writes, built on the HPA's current one as kube's {@code setCondition} does: a condition
 * set again keeps its place and, when its status is unchanged, its lastTransitionTime; lastScaleTime moves only
 * when the target was rescaled. As kube's, it sets no observedGeneration.
 */
final class HpaStatus {

    private final HorizontalPodAutoscaler hpa;
    private final Instant now;
    private final Map<String, HorizontalPodAutoscalerCondition> conditions = new LinkedHashMap<>();

    HpaStatus(HorizontalPodAutoscaler hpa, Instant now) {
        this.hpa = hpa;
        this.now = now;
        if (hpa.getStatus() != null && hpa.getStatus().getConditions() != null) {
            hpa.getStatus().getConditions().forEach(c -> conditions.put(c.getType(), c));
        }
    }

    void set(String type, String status, String reason, String message) {
        HorizontalPodAutoscalerCondition old = conditions.get(type);
        String transition = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
                ? old.getLastTransitionTime() : HorizontalPodAutoscalerController.time(now);
        HorizontalPodAutoscalerCondition c = new HorizontalPodAutoscalerCondition();
        c.setType(type);
        c.setStatus(status);
        c.setLastTransitionTime(transition);
        c.setReason(reason);
        c.setMessage(message);
        conditions.put(type, c);
    }

    HorizontalPodAutoscalerStatus build(int current, int desired, List<MetricStatus> metrics, boolean rescaled) {
        HorizontalPodAutoscalerStatus s = new HorizontalPodAutoscalerStatus();
        s.setCurrentReplicas(current);
        s.setDesiredReplicas(desired);
        s.setCurrentMetrics(metrics == null || metrics.isEmpty() ? null : metrics);
        String last = hpa.getStatus() == null ? null : hpa.getStatus().getLastScaleTime();
        s.setLastScaleTime(rescaled ? HorizontalPodAutoscalerController.time(now) : last);
        s.setConditions(new ArrayList<>(conditions.values()));
        return s;
    }
}

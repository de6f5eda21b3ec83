package dev.kapi.apiserver.controllers.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code normalizeDesiredReplicasWithBehaviors}, with the memory it needs per HPA: the recommendations of
 * the stabilization windows (scale up to the lowest recommendation of the scale-up window, down to the highest of
 * the scale-down window, whose default is the controller's {@code --horizontal-pod-autoscaler-downscale-
 * stabilization}, 300 s), then the rate limits of the policies over the scale events of their periods, then min
 * and max replicas. An HPA without {@code behavior} gets kube's default rules (scale up by 4 pods or 100% per 15 s,
 * the larger; down by 100% per 15 s).
 */
final class ScalingBehavior {

    /** The outcome, with the reasons of the AbleToScale and ScalingLimited conditions. */
    record Outcome(int replicas, String ableReason, String ableMessage, boolean limited, String limitReason,
                   String limitMessage) {
    }

    private record Recommendation(int replicas, Instant at) {
    }

    private record ScaleEvent(int change, Instant at) {
    }

    private final Duration downscaleStabilization;
    private final Map<String, List<Recommendation>> recommendations = new ConcurrentHashMap<>();
    private final Map<String, List<ScaleEvent>> ups = new ConcurrentHashMap<>();
    private final Map<String, List<ScaleEvent>> downs = new ConcurrentHashMap<>();

    ScalingBehavior(Duration downscaleStabilization) {
        this.downscaleStabilization = downscaleStabilization;
    }

    /** Forgets an HPA that is gone. */
    void forget(String key) {
        recommendations.remove(key);
        ups.remove(key);
        downs.remove(key);
    }

    Outcome normalize(String key, HorizontalPodAutoscalerBehavior behavior, int min, int max, int current,
                      int desired, Instant now) {
        HPAScalingRules up = behavior == null || behavior.getScaleUp() == null ? defaultUp() : behavior.getScaleUp();
        HPAScalingRules down = behavior == null || behavior.getScaleDown() == null ? defaultDown()
                : behavior.getScaleDown();
        int stabilized = stabilize(key, up, down, current, desired, now);
        String ableReason = "ReadyForNewScale";
        String ableMessage = "recommended size matches current size";
        if (stabilized < desired) {
            ableReason = "ScaleUpStabilized";
            ableMessage = "recent recommendations were lower than current one, applying the lowest recent "
                    + "recommendation";
        } else if (stabilized > desired) {
            ableReason = "ScaleDownStabilized";
            ableMessage = "recent recommendations were higher than current one, applying the highest recent "
                    + "recommendation";
        }
        String reason = "DesiredWithinRange";
        String message = "the desired count is within the acceptable range";
        int replicas = stabilized;
        if (stabilized > current) {
            int limit = Math.max(current, upLimit(key, up, current, now));
            int allowed = max;
            reason = "TooManyReplicas";
            message = "the desired replica count is more than the maximum replica count";
            if (allowed > limit) {
                allowed = limit;
                reason = "ScaleUpLimit";
                message = "the desired replica count is increasing faster than the maximum scale rate";
            }
            replicas = Math.min(stabilized, allowed);
        } else if (stabilized < current) {
            int limit = Math.min(current, downLimit(key, down, current, now));
            int allowed = min;
            reason = "TooFewReplicas";
            message = "the desired replica count is less than the minimum replica count";
            if (allowed < limit) {
                allowed = limit;
                reason = "ScaleDownLimit";
                message = "the desired replica count is decreasing faster than the maximum scale rate";
            }
            replicas = Math.max(stabilized, allowed);
        }
        if (replicas == stabilized) {
            reason = "DesiredWithinRange";
            message = "the desired count is within the acceptable range";
        }
        return new Outcome(replicas, ableReason, ableMessage, replicas != stabilized, reason, message);
    }

    /** Records a scale the controller made, for the rate limits of the next ones. */
    void scaled(String key, int from, int to, Instant now) {
        if (to > from) {
            ups.computeIfAbsent(key, k -> new ArrayList<>()).add(new ScaleEvent(to - from, now));
        } else if (to < from) {
            downs.computeIfAbsent(key, k -> new ArrayList<>()).add(new ScaleEvent(from - to, now));
        }
    }

    private int stabilize(String key, HPAScalingRules up, HPAScalingRules down, int current, int desired,
                          Instant now) {
        Instant upCutoff = now.minusSeconds(window(up, Duration.ZERO));
        Instant downCutoff = now.minusSeconds(window(down, downscaleStabilization));
        int upRecommendation = desired;
        int downRecommendation = desired;
        // kube's first sight of an HPA: the current replicas count as a recommendation made now, so that a
        // restarted controller does not scale down at once
        List<Recommendation> recs = recommendations.computeIfAbsent(key,
                k -> new ArrayList<>(List.of(new Recommendation(current, now))));
        synchronized (recs) {
            for (Recommendation r : recs) {
                if (r.at.isAfter(upCutoff)) {
                    upRecommendation = Math.min(upRecommendation, r.replicas);
                }
                if (r.at.isAfter(downCutoff)) {
                    downRecommendation = Math.max(downRecommendation, r.replicas);
                }
            }
            Instant oldest = upCutoff.isBefore(downCutoff) ? upCutoff : downCutoff;
            recs.removeIf(r -> r.at.isBefore(oldest));
            recs.add(new Recommendation(desired, now));
        }
        int recommendation = Math.max(current, upRecommendation);
        return Math.min(recommendation, downRecommendation);
    }

    private static long window(HPAScalingRules rules, Duration fallback) {
        return rules.getStabilizationWindowSeconds() == null ? fallback.toSeconds()
                : rules.getStabilizationWindowSeconds();
    }

    private int upLimit(String key, HPAScalingRules rules, int current, Instant now) {
        if ("Disabled".equals(rules.getSelectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.getSelectPolicy());
        int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (HPAScalingPolicy p : policies(rules)) {
            int start = current - changes(ups, key, p, now) + changes(downs, key, p, now);
            int proposed = "Pods".equals(p.getType()) ? start + p.getValue()
                    : (int) Math.ceil(start * (1 + p.getValue() / 100.0));
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    private int downLimit(String key, HPAScalingRules rules, int current, Instant now) {
        if ("Disabled".equals(rules.getSelectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.getSelectPolicy());
        int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (HPAScalingPolicy p : policies(rules)) {
            int start = current - changes(ups, key, p, now) + changes(downs, key, p, now);
            int proposed = "Pods".equals(p.getType()) ? start - p.getValue()
                    : (int) (start * (1 - p.getValue() / 100.0));
            result = min ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    private static List<HPAScalingPolicy> policies(HPAScalingRules rules) {
        return rules.getPolicies() == null ? List.of() : rules.getPolicies();
    }

    private static int changes(Map<String, List<ScaleEvent>> events, String key, HPAScalingPolicy p, Instant now) {
        Instant cutoff = now.minusSeconds(p.getPeriodSeconds());
        return events.getOrDefault(key, List.of()).stream().filter(e -> e.at.isAfter(cutoff))
                .mapToInt(ScaleEvent::change).sum();
    }

    private static HPAScalingRules defaultUp() {
        HPAScalingRules r = new HPAScalingRules();
        r.setStabilizationWindowSeconds(0);
        r.setSelectPolicy("Max");
        r.setPolicies(List.of(new HPAScalingPolicy(15, "Pods", 4), new HPAScalingPolicy(15, "Percent", 100)));
        return r;
    }

    private static HPAScalingRules defaultDown() {
        HPAScalingRules r = new HPAScalingRules();
        r.setSelectPolicy("Max");
        r.setPolicies(List.of(new HPAScalingPolicy(15, "Percent", 100)));
        return r;
    }
}

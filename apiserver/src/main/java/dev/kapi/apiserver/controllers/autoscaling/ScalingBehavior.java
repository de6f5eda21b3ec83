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
 * kube's normalization of the replicas the metrics want, with the memory it keeps per HPA (recommendations and
 * scale events, lost on restart as in kube). With {@code spec.behavior}: the recommendation is stabilized over
 * the window of its direction (scale up: the lowest recommendation of {@code scaleUp}'s window; scale down: the
 * highest of {@code scaleDown}'s, whose default is the controller's {@code --horizontal-pod-autoscaler-downscale-
 * stabilization}, 300 s), then rate-limited by the policies over the scale events of their periods, then kept
 * within min and max. Without: the highest recommendation of the downscale window, then at most
 * {@code max(2 * current, 4)} and within min and max. The first recommendation of an HPA is its current replicas.
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

    private record Limited(int replicas, String reason, String message) {
    }

    private static final String WITHIN = "the desired count is within the acceptable range";
    private static final String DOWN_STABILIZED = "recent recommendations were higher than current one, applying "
            + "the highest recent recommendation";
    private static final String UP_STABILIZED = "recent recommendations were lower than current one, applying "
            + "the lowest recent recommendation";

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

    /** kube's recordInitialRecommendation: the current replicas, the first time an HPA's scale is read. */
    void recordInitial(String key, int current, Instant now) {
        recommendations.computeIfAbsent(key, k -> new ArrayList<>(List.of(new Recommendation(current, now))));
    }

    Outcome normalize(String key, HorizontalPodAutoscalerBehavior behavior, int min, int max, int current,
                      int desired, Instant now) {
        int stabilized;
        String ableReason;
        String ableMessage;
        Limited limited;
        if (behavior == null) {
            long window = downscaleStabilization.toSeconds();
            stabilized = stabilize(key, desired, -1, window, window, now);
            ableReason = "ScaleDownStabilized";
            ableMessage = DOWN_STABILIZED;
            limited = withinRules(current, stabilized, min, max);
        } else {
            HPAScalingRules up = behavior.getScaleUp() == null ? defaultUp() : behavior.getScaleUp();
            HPAScalingRules down = behavior.getScaleDown() == null ? defaultDown() : behavior.getScaleDown();
            long upWindow = seconds(up, 0);
            long downWindow = seconds(down, downscaleStabilization.toSeconds());
            boolean scalingUp = desired >= current;
            stabilized = stabilize(key, desired, scalingUp ? upWindow : -1, scalingUp ? -1 : downWindow,
                    Math.max(upWindow, downWindow), now);
            ableReason = scalingUp ? "ScaleUpStabilized" : "ScaleDownStabilized";
            ableMessage = scalingUp ? UP_STABILIZED : DOWN_STABILIZED;
            limited = withinRate(key, up, down, current, stabilized, min, max, now);
        }
        if (stabilized == desired) {
            ableReason = "ReadyForNewScale";
            ableMessage = "recommended size matches current size";
        }
        return new Outcome(limited.replicas, ableReason, ableMessage, limited.replicas != stabilized,
                limited.reason, limited.message);
    }

    /** Records a scale the controller made, for the rate limits of the next ones (only with a behavior). */
    void scaled(String key, HorizontalPodAutoscalerBehavior behavior, int from, int to, Instant now) {
        if (behavior == null) {
            return;
        }
        Map<String, List<ScaleEvent>> events = to > from ? ups : downs;
        List<ScaleEvent> list = events.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (list) {
            list.removeIf(e -> e.at.isBefore(now.minus(Duration.ofHours(1)))); // longer than any policy period
            list.add(new ScaleEvent(Math.abs(to - from), now));
        }
    }

    /**
     * The lowest recommendation within {@code upWindow} seconds (when not negative) or the highest within
     * {@code downWindow}, the new one included; recommendations older than {@code keepSeconds} are dropped.
     */
    private int stabilize(String key, int desired, long upWindow, long downWindow, long keepSeconds, Instant now) {
        List<Recommendation> recs = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
        int recommendation = desired;
        synchronized (recs) {
            for (Recommendation r : recs) {
                if (upWindow >= 0 && r.at.isAfter(now.minusSeconds(upWindow))) {
                    recommendation = Math.min(recommendation, r.replicas);
                }
                if (downWindow >= 0 && r.at.isAfter(now.minusSeconds(downWindow))) {
                    recommendation = Math.max(recommendation, r.replicas);
                }
            }
            recs.removeIf(r -> r.at.isBefore(now.minusSeconds(keepSeconds)));
            recs.add(new Recommendation(desired, now));
        }
        return recommendation;
    }

    /** kube's convertDesiredReplicasWithRules (no behavior). */
    private static Limited withinRules(int current, int desired, int min, int max) {
        int scaleUpLimit = Math.max(2 * current, 4);
        Limited highest = max > scaleUpLimit
                ? new Limited(scaleUpLimit, "ScaleUpLimit",
                "the desired replica count is increasing faster than the maximum scale rate")
                : new Limited(max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        if (desired < min) {
            return new Limited(min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        }
        return desired > highest.replicas ? highest : new Limited(desired, "DesiredWithinRange", WITHIN);
    }

    /** kube's convertDesiredReplicasWithBehaviorRate. */
    private Limited withinRate(String key, HPAScalingRules up, HPAScalingRules down, int current, int desired,
                               int min, int max, Instant now) {
        if (desired > current) {
            int limit = Math.max(current, upLimit(key, up, current, now));
            if (max > limit) {
                return desired > limit ? new Limited(limit, "ScaleUpLimit",
                        "the desired replica count is increasing faster than the maximum scale rate")
                        : new Limited(desired, "DesiredWithinRange", WITHIN);
            }
            return desired > max ? new Limited(max, "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count")
                    : new Limited(desired, "DesiredWithinRange", WITHIN);
        }
        if (desired < current) {
            int limit = Math.min(current, downLimit(key, down, current, now));
            if (min < limit) {
                return desired < limit ? new Limited(limit, "ScaleDownLimit",
                        "the desired replica count is decreasing faster than the maximum scale rate")
                        : new Limited(desired, "DesiredWithinRange", WITHIN);
            }
            return desired < min ? new Limited(min, "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count")
                    : new Limited(desired, "DesiredWithinRange", WITHIN);
        }
        return new Limited(desired, "DesiredWithinRange", WITHIN);
    }

    private static long seconds(HPAScalingRules rules, long fallback) {
        return rules.getStabilizationWindowSeconds() == null ? fallback : rules.getStabilizationWindowSeconds();
    }

    /** The most replicas the scale-up policies allow: from the replicas at the start of each policy's period. */
    private int upLimit(String key, HPAScalingRules rules, int current, Instant now) {
        if ("Disabled".equals(rules.getSelectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.getSelectPolicy());
        int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (HPAScalingPolicy p : policies(rules)) {
            int start = current - changes(ups, key, p, now);
            int proposed = "Pods".equals(p.getType()) ? start + p.getValue()
                    : (int) Math.ceil(start * (1 + p.getValue() / 100.0));
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    /** The fewest replicas the scale-down policies allow. */
    private int downLimit(String key, HPAScalingRules rules, int current, Instant now) {
        if ("Disabled".equals(rules.getSelectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.getSelectPolicy());
        int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (HPAScalingPolicy p : policies(rules)) {
            int start = current + changes(downs, key, p, now);
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
        List<ScaleEvent> list = events.getOrDefault(key, List.of());
        synchronized (list) {
            return list.stream().filter(e -> e.at.isAfter(cutoff)).mapToInt(ScaleEvent::change).sum();
        }
    }

    /** kube's default scale-up rules: no stabilization, 4 pods or 100% per 15 s, the larger. */
    static HPAScalingRules defaultUp() {
        HPAScalingRules r = new HPAScalingRules();
        r.setStabilizationWindowSeconds(0);
        r.setSelectPolicy("Max");
        r.setPolicies(List.of(new HPAScalingPolicy(15, "Pods", 4), new HPAScalingPolicy(15, "Percent", 100)));
        return r;
    }

    /** kube's default scale-down rules: the controller's window, 100% per 15 s. */
    static HPAScalingRules defaultDown() {
        HPAScalingRules r = new HPAScalingRules();
        r.setSelectPolicy("Max");
        r.setPolicies(List.of(new HPAScalingPolicy(15, "Percent", 100)));
        return r;
    }
}

package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricIdentifier;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kube's autoscaling validation of a HorizontalPodAutoscaler's spec (v2 form; v1 is validated after conversion). */
final class HpaValidation {

    private static final List<String> METRIC_TYPES = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
    private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
    private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
    private static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;
    private static final int MAX_PERIOD_SECONDS = 1800;

    private HpaValidation() {
    }

    static List<FieldError> spec(HorizontalPodAutoscalerSpec spec) {
        List<FieldError> errs = new ArrayList<>();
        HorizontalPodAutoscalerSpec s = spec == null ? new HorizontalPodAutoscalerSpec() : spec;
        int max = s.getMaxReplicas() == null ? 0 : s.getMaxReplicas();
        if (s.getMinReplicas() != null && s.getMinReplicas() < 1) {
            errs.add(FieldError.invalid("spec.minReplicas", s.getMinReplicas(), "must be greater than or equal to 1"));
        }
        if (max < 1) {
            errs.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than 0"));
        }
        if (s.getMinReplicas() != null && max < s.getMinReplicas()) {
            errs.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
        }
        List<FieldError> step = new ArrayList<>();
        reference(s.getScaleTargetRef(), "spec.scaleTargetRef", step);
        if (step.isEmpty()) {
            List<MetricSpec> metrics = s.getMetrics() == null ? List.of() : s.getMetrics();
            for (int i = 0; i < metrics.size(); i++) {
                metric(metrics.get(i), "spec.metrics[" + i + "]", step);
            }
        }
        if (step.isEmpty() && s.getBehavior() != null) {
            rules(s.getBehavior().getScaleUp(), "spec.behavior.scaleUp", step);
            rules(s.getBehavior().getScaleDown(), "spec.behavior.scaleDown", step);
        }
        errs.addAll(step);
        return errs;
    }

    static void reference(CrossVersionObjectReference ref, String path, List<FieldError> errs) {
        String kind = ref == null ? null : ref.getKind();
        String name = ref == null ? null : ref.getName();
        pathSegment(kind, path + ".kind", errs);
        pathSegment(name, path + ".name", errs);
    }

    private static void pathSegment(String value, String path, List<FieldError> errs) {
        if (value == null || value.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        NameValidation.pathSegmentName(value).forEach(msg -> errs.add(FieldError.invalid(path, value, msg)));
    }

    private static void metric(MetricSpec m, String path, List<FieldError> errs) {
        String type = m.getType() == null ? "" : m.getType();
        if (type.isEmpty()) {
            errs.add(FieldError.required(path + ".type", "must specify a metric source type"));
        }
        Map<String, Object> present = new LinkedHashMap<>();
        if (m.getObject() != null) {
            present.put("object", m.getObject());
        }
        if (m.getExternal() != null) {
            present.put("external", m.getExternal());
        }
        if (m.getPods() != null) {
            present.put("pods", m.getPods());
        }
        if (m.getResource() != null) {
            present.put("resource", m.getResource());
        }
        if (m.getContainerResource() != null) {
            present.put("containerResource", m.getContainerResource());
        }
        if (!present.isEmpty()) {
            String first = present.keySet().iterator().next();
            source(m, first, path + "." + first, errs);
        }
        String expected = switch (type) {
            case "Object" -> "object";
            case "Pods" -> "pods";
            case "Resource" -> "resource";
            case "External" -> "external";
            case "ContainerResource" -> "containerResource";
            default -> null;
        };
        if (expected == null) {
            errs.add(FieldError.notSupported(path + ".type", type, METRIC_TYPES));
        } else if (!present.containsKey(expected)) {
            errs.add(FieldError.required(path + "." + expected, "must populate information for the given metric source"));
        }
        if (present.size() > 1) {
            present.keySet().stream().filter(k -> !k.equals(expected)).forEach(k ->
                    errs.add(FieldError.forbidden(path + "." + k, "must populate the given metric source only")));
        }
    }

    private static void source(MetricSpec m, String which, String path, List<FieldError> errs) {
        switch (which) {
            case "object" -> {
                reference(m.getObject().getDescribedObject(), path + ".describedObject", errs);
                identifier(m.getObject().getMetric(), path + ".metric", errs);
                MetricTarget t = target(m.getObject().getTarget(), path + ".target", errs);
                if (t.getValue() == null && t.getAverageValue() == null) {
                    errs.add(FieldError.required(path + ".target.averageValue", "must set either a target value or averageValue"));
                }
            }
            case "external" -> {
                identifier(m.getExternal().getMetric(), path + ".metric", errs);
                MetricTarget t = target(m.getExternal().getTarget(), path + ".target", errs);
                if (t.getValue() == null && t.getAverageValue() == null) {
                    errs.add(FieldError.required(path + ".target.averageValue",
                            "must set either a target value for metric or a per-pod target"));
                }
                if (t.getValue() != null && t.getAverageValue() != null) {
                    errs.add(FieldError.forbidden(path + ".target.value",
                            "may not set both a target value for metric and a per-pod target"));
                }
            }
            case "pods" -> {
                identifier(m.getPods().getMetric(), path + ".metric", errs);
                MetricTarget t = target(m.getPods().getTarget(), path + ".target", errs);
                if (t.getAverageValue() == null) {
                    errs.add(FieldError.required(path + ".target.averageValue", "must specify a positive target averageValue"));
                }
            }
            case "resource" -> resource(m.getResource().getName(), m.getResource().getTarget(), path, errs);
            default -> {
                String container = m.getContainerResource().getContainer();
                resource(m.getContainerResource().getName(), m.getContainerResource().getTarget(), path, errs);
                if (container == null || container.isEmpty()) {
                    errs.add(FieldError.required(path + ".container", "must specify a container"));
                } else {
                    NameValidation.dns1123Label(container).forEach(msg ->
                            errs.add(FieldError.invalid(path + ".container", container, msg)));
                }
            }
        }
    }

    private static void resource(String name, MetricTarget target, String path, List<FieldError> errs) {
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(path + ".name", "must specify a resource name"));
        }
        MetricTarget t = target(target, path + ".target", errs);
        if (t.getAverageUtilization() == null && t.getAverageValue() == null) {
            errs.add(FieldError.required(path + ".target.averageUtilization", "must set either a target raw value or a target utilization"));
        }
        if (t.getAverageUtilization() != null && t.getAverageValue() != null) {
            errs.add(FieldError.forbidden(path + ".target.averageValue", "may not set both a target raw value and a target utilization"));
        }
    }

    private static void identifier(MetricIdentifier metric, String path, List<FieldError> errs) {
        String name = metric == null ? null : metric.getName();
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(path + ".name", "must specify a metric name"));
        } else {
            NameValidation.pathSegmentName(name).forEach(msg -> errs.add(FieldError.invalid(path + ".name", name, msg)));
        }
    }

    private static MetricTarget target(MetricTarget target, String path, List<FieldError> errs) {
        MetricTarget t = target == null ? new MetricTarget() : target;
        String type = t.getType() == null ? "" : t.getType();
        if (type.isEmpty()) {
            errs.add(FieldError.required(path + ".type", "must specify a metric target type"));
        }
        if (!List.of("Utilization", "Value", "AverageValue").contains(type)) {
            errs.add(FieldError.invalid(path + ".type", type, "must be either Utilization, Value, or AverageValue"));
        }
        if (t.getValue() != null && !positive(t.getValue())) {
            errs.add(FieldError.invalid(path + ".value", t.getValue().toString(), "must be positive"));
        }
        if (t.getAverageValue() != null && !positive(t.getAverageValue())) {
            errs.add(FieldError.invalid(path + ".averageValue", t.getAverageValue().toString(), "must be positive"));
        }
        if (t.getAverageUtilization() != null && t.getAverageUtilization() < 1) {
            errs.add(FieldError.invalid(path + ".averageUtilization", t.getAverageUtilization(), "must be greater than 0"));
        }
        return t;
    }

    private static boolean positive(Quantity q) {
        try {
            return Quantity.getAmountInBytes(q).signum() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void rules(HPAScalingRules rules, String path, List<FieldError> errs) {
        if (rules == null) {
            return;
        }
        Integer window = rules.getStabilizationWindowSeconds();
        if (window != null && window < 0) {
            errs.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window, "must be greater than or equal to zero"));
        }
        if (window != null && window > MAX_STABILIZATION_WINDOW_SECONDS) {
            errs.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window,
                    "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
        }
        if (rules.getSelectPolicy() != null && !SELECT_POLICIES.contains(rules.getSelectPolicy())) {
            errs.add(FieldError.notSupported(path + ".selectPolicy", rules.getSelectPolicy(), SELECT_POLICIES));
        }
        List<HPAScalingPolicy> policies = rules.getPolicies() == null ? List.of() : rules.getPolicies();
        if (policies.isEmpty()) {
            errs.add(FieldError.required(path + ".policies", "must specify at least one Policy"));
        }
        for (int i = 0; i < policies.size(); i++) {
            HPAScalingPolicy p = policies.get(i);
            String pp = path + ".policies[" + i + "]";
            if (!POLICY_TYPES.contains(p.getType() == null ? "" : p.getType())) {
                errs.add(FieldError.notSupported(pp + ".type", p.getType() == null ? "" : p.getType(), POLICY_TYPES));
            }
            int value = p.getValue() == null ? 0 : p.getValue();
            int period = p.getPeriodSeconds() == null ? 0 : p.getPeriodSeconds();
            if (value <= 0) {
                errs.add(FieldError.invalid(pp + ".value", value, "must be greater than zero"));
            }
            if (period <= 0) {
                errs.add(FieldError.invalid(pp + ".periodSeconds", period, "must be greater than zero"));
            }
            if (period > MAX_PERIOD_SECONDS) {
                errs.add(FieldError.invalid(pp + ".periodSeconds", period, "must be less than or equal to " + MAX_PERIOD_SECONDS));
            }
        }
    }
}

package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * kube's conversion between autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers (v2 is stored). v1 says
 * only {@code targetCPUUtilizationPercentage} and {@code currentCPUUtilizationPercentage}; everything else v2 can
 * say travels in v1's annotations as kube writes them: {@code autoscaling.alpha.kubernetes.io/metrics} (the
 * metrics other than a CPU utilization target, in v1's v2beta1-like metric form),
 * {@code .../current-metrics} (every current metric), {@code .../conditions} and {@code .../behavior} (kube
 * marshals its internal type there: Go field names). Reading them back ignores annotations that do not parse,
 * as kube does; a v1 object with no metric at all gets kube's implicit 80% CPU target.
 */
public final class HpaConversion {

    static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
    private static final List<String> ROUND_TRIP = List.of(METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HpaConversion() {
    }

    /** The autoscaling/v1 form of a v2 object; {@code v2} is not changed. */
    public static io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler toV1(HorizontalPodAutoscaler v2) {
        ObjectNode in = (ObjectNode) Json.tree(v2);
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", "autoscaling/v1");
        out.put("kind", "HorizontalPodAutoscaler");
        ObjectNode meta = metadataWithoutRoundTrip(in);
        out.set("metadata", meta);
        JsonNode spec = in.path("spec");
        ObjectNode outSpec = out.putObject("spec");
        copy(spec, outSpec, "scaleTargetRef", "minReplicas", "maxReplicas");
        ArrayNode other = NODES.arrayNode();
        boolean cpuFound = false;
        for (JsonNode m : spec.path("metrics")) {
            JsonNode utilization = m.path("resource").path("target").path("averageUtilization");
            boolean cpu = "Resource".equals(text(m, "type")) && "cpu".equals(text(m.path("resource"), "name"));
            if (cpu && !utilization.isMissingNode() && !utilization.isNull()) {
                // kube: the first CPU metric with a utilization target is v1's target, every such one is left out
                if (!cpuFound) {
                    cpuFound = true;
                    outSpec.set("targetCPUUtilizationPercentage", utilization);
                }
                continue;
            }
            other.add(HpaMetricsV1.specToV1(m));
        }
        JsonNode status = in.path("status");
        ObjectNode outStatus = out.putObject("status");
        copy(status, outStatus, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
        if (!outStatus.has("currentReplicas")) {
            outStatus.put("currentReplicas", 0);
        }
        if (!outStatus.has("desiredReplicas")) {
            outStatus.put("desiredReplicas", 0);
        }
        ArrayNode current = NODES.arrayNode();
        for (JsonNode m : status.path("currentMetrics")) {
            if ("Resource".equals(text(m, "type")) && "cpu".equals(text(m.path("resource"), "name"))) {
                JsonNode u = m.path("resource").path("current").path("averageUtilization");
                if (!u.isMissingNode() && !u.isNull()) {
                    outStatus.set("currentCPUUtilizationPercentage", u);
                }
            }
            current.add(HpaMetricsV1.statusToV1(m));
        }
        ObjectNode annotations = meta.has("annotations") ? (ObjectNode) meta.get("annotations") : NODES.objectNode();
        if (!other.isEmpty()) {
            annotations.put(METRICS, Json.string(other));
        }
        if (!current.isEmpty()) {
            annotations.put(CURRENT_METRICS, Json.string(current));
        }
        if (spec.has("behavior") && !spec.get("behavior").isNull()) {
            annotations.put(BEHAVIOR, Json.string(HpaBehaviorV1.toGoFields(spec.get("behavior"))));
        }
        if (status.path("conditions").isArray() && !status.get("conditions").isEmpty()) {
            annotations.put(CONDITIONS, Json.string(status.get("conditions")));
        }
        if (!annotations.isEmpty()) {
            meta.set("annotations", annotations);
        }
        return Json.convert(out, io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class);
    }

    /** The autoscaling/v2 form of a v1 object, with v2's defaults; {@code v1} is not changed. */
    public static HorizontalPodAutoscaler toV2(io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler v1) {
        ObjectNode in = (ObjectNode) Json.tree(v1);
        JsonNode annotations = in.path("metadata").path("annotations");
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", "autoscaling/v2");
        out.put("kind", "HorizontalPodAutoscaler");
        out.set("metadata", metadataWithoutRoundTrip(in));
        JsonNode spec = in.path("spec");
        ObjectNode outSpec = out.putObject("spec");
        copy(spec, outSpec, "scaleTargetRef", "minReplicas", "maxReplicas");
        ArrayNode metrics = outSpec.putArray("metrics");
        JsonNode other = annotation(annotations, METRICS);
        if (other != null && other.isArray()) {
            JsonNode fromAnnotation = readable(() -> {
                ArrayNode a = NODES.arrayNode();
                other.forEach(m -> a.add(HpaMetricsV1.specFromV1(m)));
                return a;
            }, io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec[].class);
            if (fromAnnotation != null) {
                metrics.addAll((ArrayNode) fromAnnotation);
            }
        }
        if (spec.has("targetCPUUtilizationPercentage") && !spec.get("targetCPUUtilizationPercentage").isNull()) {
            metrics.add(cpuUtilization(spec.get("targetCPUUtilizationPercentage")));
        }
        if (metrics.isEmpty()) {
            metrics.add(cpuUtilization(NODES.numberNode(HpaDefaults.DEFAULT_CPU_UTILIZATION)));
        }
        JsonNode behavior = annotation(annotations, BEHAVIOR);
        JsonNode v2Behavior = behavior != null && behavior.isObject() ? readable(
                () -> HpaBehaviorV1.fromGoFields(behavior),
                io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior.class) : null;
        if (v2Behavior != null) {
            outSpec.set("behavior", v2Behavior);
        }
        JsonNode status = in.path("status");
        ObjectNode outStatus = out.putObject("status");
        copy(status, outStatus, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
        if (outStatus.path("currentReplicas").asInt(0) == 0) {
            outStatus.remove("currentReplicas"); // v2's is omitted when 0, v1's always written
        }
        JsonNode current = annotation(annotations, CURRENT_METRICS);
        JsonNode currentFromAnnotation = current != null && current.isArray() ? readable(() -> {
            ArrayNode a = NODES.arrayNode();
            current.forEach(m -> a.add(HpaMetricsV1.statusFromV1(m)));
            return a;
        }, io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus[].class) : null;
        if (currentFromAnnotation != null) {
            outStatus.set("currentMetrics", currentFromAnnotation);
        } else if (status.has("currentCPUUtilizationPercentage") && !status.get("currentCPUUtilizationPercentage").isNull()) {
            ObjectNode m = outStatus.putArray("currentMetrics").addObject();
            m.put("type", "Resource");
            ObjectNode r = m.putObject("resource");
            r.put("name", "cpu");
            r.putObject("current").set("averageUtilization", status.get("currentCPUUtilizationPercentage"));
        }
        JsonNode conditions = annotation(annotations, CONDITIONS);
        if (conditions != null && conditions.isArray() && readable(() -> conditions,
                io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition[].class) != null) {
            outStatus.set("conditions", conditions);
        }
        HorizontalPodAutoscaler v2 = Json.convert(out, HorizontalPodAutoscaler.class);
        HpaDefaults.apply(v2);
        return v2;
    }

    private static ObjectNode cpuUtilization(JsonNode percent) {
        ObjectNode m = NODES.objectNode();
        m.put("type", "Resource");
        ObjectNode r = m.putObject("resource");
        r.put("name", "cpu");
        ObjectNode target = r.putObject("target");
        target.put("type", "Utilization");
        target.set("averageUtilization", percent);
        return m;
    }

    /** A copy of the object's metadata without kube's round-trip annotations (dropped when none is left). */
    private static ObjectNode metadataWithoutRoundTrip(ObjectNode obj) {
        ObjectNode meta = obj.path("metadata").isObject() ? ((ObjectNode) obj.get("metadata")).deepCopy() : NODES.objectNode();
        if (meta.get("annotations") instanceof ObjectNode a) {
            ROUND_TRIP.forEach(a::remove);
            if (a.isEmpty()) {
                meta.remove("annotations");
            }
        }
        return meta;
    }

    /** An annotation's JSON value, or null when absent or not JSON (kube ignores it then). */
    /**
     * What {@code build} makes of an annotation, or null when that fails or does not read as {@code type}: kube
     * ignores a round-trip annotation it cannot unmarshal.
     */
    private static JsonNode readable(java.util.function.Supplier<JsonNode> build, Class<?> type) {
        try {
            JsonNode node = build.get();
            Json.convert(node, type);
            return node;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonNode annotation(JsonNode annotations, String name) {
        JsonNode v = annotations.path(name);
        if (!v.isString()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(v.stringValue());
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            JsonNode v = from.path(f);
            if (!v.isMissingNode() && !v.isNull()) {
                to.set(f, v.deepCopy());
            }
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isString() ? v.stringValue() : null;
    }
}

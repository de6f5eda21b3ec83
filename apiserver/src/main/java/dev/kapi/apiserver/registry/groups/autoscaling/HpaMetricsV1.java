package dev.kapi.apiserver.registry.groups.autoscaling;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static dev.kapi.apiserver.registry.groups.autoscaling.HpaConversion.text;

/**
 * v2 metric specs and statuses in autoscaling/v1's own metric form, the one kube keeps in v1's
 * {@code autoscaling.alpha.kubernetes.io/metrics} and {@code .../current-metrics} annotations (shaped like
 * v2beta1: {@code targetAverageUtilization}, {@code metricName}, ...), and back.
 */
final class HpaMetricsV1 {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HpaMetricsV1() {
    }

    static ObjectNode specToV1(JsonNode m) {
        return toV1(m, "target");
    }

    static ObjectNode statusToV1(JsonNode m) {
        return toV1(m, "current");
    }

    /**
     * A v2 metric in v1's form: {@code side} is {@code target} for a spec, {@code current} for a status, both
     * the v2 field read and the prefix of v1's names ({@code targetAverageValue}, {@code currentAverageValue}).
     */
    private static ObjectNode toV1(JsonNode m, String side) {
        ObjectNode out = NODES.objectNode();
        String type = text(m, "type");
        if (type != null) {
            out.put("type", type);
        }
        JsonNode o = m.path("object");
        if (o.isObject()) {
            ObjectNode v = out.putObject("object");
            set(v, "target", o.path("describedObject"));
            set(v, "metricName", o.path("metric").path("name"));
            set(v, side + "Value", o.path(side).path("value"));
            set(v, "selector", o.path("metric").path("selector"));
            set(v, "averageValue", o.path(side).path("averageValue"));
        }
        JsonNode p = m.path("pods");
        if (p.isObject()) {
            ObjectNode v = out.putObject("pods");
            set(v, "metricName", p.path("metric").path("name"));
            set(v, side + "AverageValue", p.path(side).path("averageValue"));
            set(v, "selector", p.path("metric").path("selector"));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            JsonNode r = m.path(kind);
            if (r.isObject()) {
                ObjectNode v = out.putObject(kind);
                set(v, "name", r.path("name"));
                set(v, side + "AverageUtilization", r.path(side).path("averageUtilization"));
                set(v, side + "AverageValue", r.path(side).path("averageValue"));
                set(v, "container", r.path("container"));
            }
        }
        JsonNode e = m.path("external");
        if (e.isObject()) {
            ObjectNode v = out.putObject("external");
            set(v, "metricName", e.path("metric").path("name"));
            set(v, "metricSelector", e.path("metric").path("selector"));
            set(v, side + "Value", e.path(side).path("value"));
            set(v, side + "AverageValue", e.path(side).path("averageValue"));
        }
        return out;
    }

    static ObjectNode specFromV1(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        set(out, "type", m.path("type"));
        JsonNode o = m.path("object");
        if (o.isObject()) {
            ObjectNode v = out.putObject("object");
            set(v, "describedObject", o.path("target"));
            metric(v, o.path("metricName"), o.path("selector"));
            target(v, present(o.path("averageValue")) ? "AverageValue" : "Value", o.path("targetValue"), o.path("averageValue"), null);
        }
        JsonNode p = m.path("pods");
        if (p.isObject()) {
            ObjectNode v = out.putObject("pods");
            metric(v, p.path("metricName"), p.path("selector"));
            target(v, "AverageValue", null, p.path("targetAverageValue"), null);
        }
        JsonNode r = m.path("resource");
        if (r.isObject()) {
            ObjectNode v = out.putObject("resource");
            set(v, "name", r.path("name"));
            utilizationTarget(v, r);
        }
        JsonNode c = m.path("containerResource");
        if (c.isObject()) {
            ObjectNode v = out.putObject("containerResource");
            set(v, "name", c.path("name"));
            set(v, "container", c.path("container"));
            utilizationTarget(v, c);
        }
        JsonNode e = m.path("external");
        if (e.isObject()) {
            ObjectNode v = out.putObject("external");
            metric(v, e.path("metricName"), e.path("metricSelector"));
            target(v, present(e.path("targetValue")) ? "Value" : "AverageValue", e.path("targetValue"),
                    e.path("targetAverageValue"), null);
        }
        return out;
    }

    static ObjectNode statusFromV1(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        set(out, "type", m.path("type"));
        JsonNode o = m.path("object");
        if (o.isObject()) {
            ObjectNode v = out.putObject("object");
            set(v, "describedObject", o.path("target"));
            metric(v, o.path("metricName"), o.path("selector"));
            current(v, o.path("currentValue"), o.path("averageValue"), null);
        }
        JsonNode p = m.path("pods");
        if (p.isObject()) {
            ObjectNode v = out.putObject("pods");
            metric(v, p.path("metricName"), p.path("selector"));
            current(v, null, p.path("currentAverageValue"), null);
        }
        JsonNode r = m.path("resource");
        if (r.isObject()) {
            ObjectNode v = out.putObject("resource");
            set(v, "name", r.path("name"));
            current(v, null, r.path("currentAverageValue"), r.path("currentAverageUtilization"));
        }
        JsonNode c = m.path("containerResource");
        if (c.isObject()) {
            ObjectNode v = out.putObject("containerResource");
            set(v, "name", c.path("name"));
            set(v, "container", c.path("container"));
            current(v, null, c.path("currentAverageValue"), c.path("currentAverageUtilization"));
        }
        JsonNode e = m.path("external");
        if (e.isObject()) {
            ObjectNode v = out.putObject("external");
            metric(v, e.path("metricName"), e.path("metricSelector"));
            current(v, e.path("currentValue"), e.path("currentAverageValue"), null);
        }
        return out;
    }

    private static void utilizationTarget(ObjectNode v, JsonNode src) {
        JsonNode utilization = src.path("targetAverageUtilization");
        target(v, present(utilization) ? "Utilization" : "AverageValue", null, src.path("targetAverageValue"), utilization);
    }

    private static void metric(ObjectNode v, JsonNode name, JsonNode selector) {
        ObjectNode metric = v.putObject("metric");
        set(metric, "name", name);
        set(metric, "selector", selector);
    }

    private static void target(ObjectNode v, String type, JsonNode value, JsonNode averageValue, JsonNode utilization) {
        ObjectNode t = v.putObject("target");
        t.put("type", type);
        set(t, "value", value);
        set(t, "averageValue", averageValue);
        set(t, "averageUtilization", utilization);
    }

    private static void current(ObjectNode v, JsonNode value, JsonNode averageValue, JsonNode utilization) {
        ObjectNode c = v.putObject("current");
        set(c, "value", value);
        set(c, "averageValue", averageValue);
        set(c, "averageUtilization", utilization);
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isMissingNode() && !v.isNull();
    }

    private static void set(ObjectNode to, String field, JsonNode v) {
        if (present(v)) {
            to.set(field, v.deepCopy());
        }
    }
}

package dev.kapi.apiserver.registry.groups.autoscaling;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;

/**
 * A v2 {@code behavior} as kube keeps it in v1's {@code autoscaling.alpha.kubernetes.io/behavior} annotation:
 * kube marshals its internal type there, whose fields have no JSON names, so the keys are Go's field names
 * ({@code ScaleUp}, {@code StabilizationWindowSeconds}, {@code Policies}, {@code PeriodSeconds}, ...) and
 * unset pointers are {@code null}. Reading accepts any case, as Go's {@code encoding/json} does.
 */
final class HpaBehaviorV1 {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> GO_NAMES = Map.of(
            "scaleup", "scaleUp", "scaledown", "scaleDown", "stabilizationwindowseconds", "stabilizationWindowSeconds",
            "selectpolicy", "selectPolicy", "policies", "policies", "type", "type", "value", "value",
            "periodseconds", "periodSeconds");

    private HpaBehaviorV1() {
    }

    static ObjectNode toGoFields(JsonNode behavior) {
        ObjectNode out = NODES.objectNode();
        out.set("ScaleUp", rules(behavior.path("scaleUp")));
        out.set("ScaleDown", rules(behavior.path("scaleDown")));
        return out;
    }

    private static JsonNode rules(JsonNode r) {
        if (!r.isObject()) {
            return NODES.nullNode();
        }
        ObjectNode out = NODES.objectNode();
        out.set("StabilizationWindowSeconds", r.path("stabilizationWindowSeconds").isMissingNode()
                ? NODES.nullNode() : r.get("stabilizationWindowSeconds"));
        out.set("SelectPolicy", r.path("selectPolicy").isMissingNode() ? NODES.nullNode() : r.get("selectPolicy"));
        if (r.path("policies").isArray()) {
            var policies = out.putArray("Policies");
            for (JsonNode p : r.get("policies")) {
                ObjectNode po = policies.addObject();
                po.set("Type", p.path("type").isMissingNode() ? NODES.stringNode("") : p.get("type"));
                po.set("Value", p.path("value").isMissingNode() ? NODES.numberNode(0) : p.get("value"));
                po.set("PeriodSeconds", p.path("periodSeconds").isMissingNode() ? NODES.numberNode(0) : p.get("periodSeconds"));
            }
        } else {
            out.set("Policies", NODES.nullNode());
        }
        return out;
    }

    /** The v2 form of the annotation's value: keys matched case-insensitively, nulls dropped. */
    static JsonNode fromGoFields(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String name = GO_NAMES.get(e.getKey().toLowerCase(Locale.ROOT));
                if (name != null && !e.getValue().isNull()) {
                    out.set(name, fromGoFields(e.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            var out = NODES.arrayNode();
            node.forEach(n -> out.add(fromGoFields(n)));
            return out;
        }
        return node.deepCopy();
    }
}

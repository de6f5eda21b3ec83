package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.common.values.NullValue;
import dev.kapi.apiserver.cel.JsonValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A JSON value as the CEL runtime sees it, typed by its schema node: objects are maps, arrays lists,
 * integers {@code Long}, numbers {@code Double} (also when written without a fraction), null
 * {@code NullValue}. Under a resource root only {@code metadata.name} and {@code metadata.generateName} are
 * visible, as in kube.
 */
final class RuleValues {

    private RuleValues() {
    }

    static Object of(JsonNode v, RuleSchema s, boolean resourceRoot) {
        if (v == null || v.isNull()) {
            return NullValue.NULL_VALUE;
        }
        if (s == null || s.intOrString() || s.type().isEmpty()) {
            return dyn(v);
        }
        switch (s.type()) {
            case "number":
                return v.isNumber() ? v.doubleValue() : dyn(v);
            case "integer":
                return v.isIntegralNumber() ? v.longValue() : dyn(v);
            case "array":
                if (v.isArray()) {
                    List<Object> out = new ArrayList<>();
                    RuleSchema items = s.items();
                    for (JsonNode e : v.values()) {
                        out.add(of(e, items, items != null && items.embeddedResource()));
                    }
                    return out;
                }
                return dyn(v);
            case "object":
                if (v.isObject()) {
                    return object(v, s, resourceRoot || s.embeddedResource());
                }
                return dyn(v);
            default:
                return dyn(v);
        }
    }

    private static Map<String, Object> object(JsonNode v, RuleSchema s, boolean resource) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String k = e.getKey();
            if (resource && k.equals("metadata") && e.getValue().isObject()) {
                Map<String, Object> meta = new LinkedHashMap<>();
                for (String f : new String[] {"name", "generateName"}) {
                    JsonNode mv = e.getValue().get(f);
                    if (mv != null && mv.isString()) {
                        meta.put(f, mv.asString());
                    }
                }
                out.put(k, meta);
                continue;
            }
            RuleSchema child = s.additionalProperties() != null ? s.additionalProperties() : s.properties().get(k);
            out.put(k, of(e.getValue(), child, child != null && child.embeddedResource()));
        }
        return out;
    }

    /** A value whose schema says nothing of its type: kube's unstructured-to-CEL conversion. */
    static Object dyn(JsonNode v) {
        return JsonValues.dyn(v);
    }
}

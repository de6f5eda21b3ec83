package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.kapi.apiserver.api.GoQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One node of a CRD version's {@code openAPIV3Schema} (apiextensions/v1 wire JSON), reduced to what the
 * {@code x-kubernetes-validations} rules need: the shape that decides the CEL type of {@code self}, the size
 * bounds the cost estimate uses, the list and map semantics that decide how {@code oldSelf} is correlated,
 * and the rules themselves.
 */
record RuleSchema(String type, String format, Map<String, RuleSchema> properties, RuleSchema items,
        RuleSchema additionalProperties, boolean intOrString, boolean preserveUnknownFields, boolean embeddedResource,
        String listType, List<String> listMapKeys, String mapType, Long maxItems, Long maxLength, Long maxProperties,
        List<Rule> rules) {

    /** One {@code x-kubernetes-validations} entry; absent strings are empty, absent reason/optionalOldSelf null. */
    record Rule(String rule, String message, String messageExpression, String reason, String fieldPath,
            Boolean optionalOldSelf) {

        boolean isOptionalOldSelf() {
            return Boolean.TRUE.equals(optionalOldSelf);
        }

        /** What kube's messages name the rule by: its message if it has one, else its expression. */
        String errorString() {
            return message.isEmpty() ? rule.strip() : message.strip();
        }

        /** The rule as Go's {@code %#v} prints kube's {@code apiextensions.ValidationRule} in error messages. */
        @Override
        public String toString() {
            return "apiextensions.ValidationRule{Rule:" + GoQuote.quote(rule) + ", Message:" + GoQuote.quote(message)
                    + ", MessageExpression:" + GoQuote.quote(messageExpression)
                    + ", Reason:" + (reason == null ? "(*apiextensions.FieldValueErrorReason)(nil)" : "&" + GoQuote.quote(reason))
                    + ", FieldPath:" + GoQuote.quote(fieldPath)
                    + ", OptionalOldSelf:" + (optionalOldSelf == null ? "(*bool)(nil)" : "&" + optionalOldSelf) + "}";
        }
    }

    static RuleSchema parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            return new RuleSchema("", "", Map.of(), null, null, false, true, false, "", List.of(), "", null, null,
                    null, List.of());
        }
        Map<String, RuleSchema> props = new LinkedHashMap<>();
        JsonNode p = n.get("properties");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                props.put(e.getKey(), parse(e.getValue()));
            }
        }
        JsonNode ap = n.get("additionalProperties");
        RuleSchema additional = ap != null && ap.isObject() ? parse(ap) : null;
        JsonNode it = n.get("items");
        RuleSchema items = it != null && it.isObject() ? parse(it) : null;
        List<String> keys = new ArrayList<>();
        JsonNode k = n.get("x-kubernetes-list-map-keys");
        if (k != null && k.isArray()) {
            k.values().forEach(v -> keys.add(v.asString()));
        }
        List<Rule> rules = new ArrayList<>();
        JsonNode xv = n.get("x-kubernetes-validations");
        if (xv != null && xv.isArray()) {
            for (JsonNode r : xv.values()) {
                rules.add(new Rule(text(r, "rule"), text(r, "message"), text(r, "messageExpression"),
                        r.hasNonNull("reason") ? r.get("reason").asString() : null, text(r, "fieldPath"),
                        r.hasNonNull("optionalOldSelf") ? r.get("optionalOldSelf").asBoolean() : null));
            }
        }
        return new RuleSchema(text(n, "type"), text(n, "format"), props, items, additional,
                flag(n, "x-kubernetes-int-or-string"), flag(n, "x-kubernetes-preserve-unknown-fields"),
                flag(n, "x-kubernetes-embedded-resource"), text(n, "x-kubernetes-list-type"), List.copyOf(keys),
                text(n, "x-kubernetes-map-type"), number(n, "maxItems"), number(n, "maxLength"),
                number(n, "maxProperties"), List.copyOf(rules));
    }

    boolean isObject() {
        return "object".equals(type);
    }

    boolean isArray() {
        return "array".equals(type);
    }

    /** kube's MapIsCorrelatable: every map but an atomic one correlates old and new entries by key. */
    boolean mapCorrelatable() {
        return !"atomic".equals(mapType);
    }

    boolean isMapList() {
        return "map".equals(listType) && !listMapKeys.isEmpty();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }

    private static boolean flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.longValue() : null;
    }
}

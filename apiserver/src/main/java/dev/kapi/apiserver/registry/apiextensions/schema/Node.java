package dev.kapi.apiserver.registry.apiextensions.schema;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.kapi.apiserver.api.GoRegexp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a CRD's openAPIV3Schema (apiextensions/v1 JSONSchemaProps wire form), read once into fields.
 * Reading never fails: a keyword whose JSON has the wrong type is treated as absent, as the structural
 * check reports it at CRD time. Immutable once built.
 */
final class Node {

    final String type;
    final String format;
    final boolean nullable;
    final String description;
    /** The default, or null when absent or JSON null (kube treats {@code default: null} as no default). */
    final JsonNode defaultValue;
    final Map<String, Node> properties;
    final List<String> required;
    final Node items;
    /** additionalProperties as a schema, or null. */
    final Node additionalProperties;
    /** additionalProperties as a boolean; null when absent or a schema. */
    final Boolean additionalPropertiesAllowed;
    final boolean preserveUnknownFields;
    final boolean intOrString;
    final boolean embeddedResource;
    final String listType;
    final List<String> listMapKeys;
    final String mapType;
    final List<JsonNode> enumValues;
    final String pattern;
    final Double maximum;
    final boolean exclusiveMaximum;
    final Double minimum;
    final boolean exclusiveMinimum;
    final Double multipleOf;
    final Long maxLength;
    final Long minLength;
    final Long maxItems;
    final Long minItems;
    final boolean uniqueItems;
    final Long maxProperties;
    final Long minProperties;
    final List<Node> allOf;
    final List<Node> anyOf;
    final List<Node> oneOf;
    final Node not;
    /** The value keywords OpenAPI publishes, copied as written, or null when there are none. */
    final ObjectNode published;
    private volatile Object compiledPattern;

    private static final List<String> PUBLISHED = List.of("enum", "pattern", "maximum", "exclusiveMaximum",
            "minimum", "exclusiveMinimum", "multipleOf", "maxLength", "minLength", "maxItems", "minItems",
            "uniqueItems", "maxProperties", "minProperties");

    private Node(JsonNode j) {
        type = text(j, "type");
        format = text(j, "format");
        nullable = flag(j, "nullable");
        description = text(j, "description");
        JsonNode d = j.get("default");
        defaultValue = d == null || d.isNull() ? null : d;
        properties = properties(j.get("properties"));
        required = strings(j.get("required"));
        JsonNode it = j.get("items");
        items = it != null && it.isObject() ? new Node(it) : null;
        JsonNode ap = j.get("additionalProperties");
        additionalProperties = ap != null && ap.isObject() ? new Node(ap) : null;
        additionalPropertiesAllowed = ap != null && ap.isBoolean() ? ap.booleanValue() : null;
        preserveUnknownFields = flag(j, "x-kubernetes-preserve-unknown-fields");
        intOrString = flag(j, "x-kubernetes-int-or-string");
        embeddedResource = flag(j, "x-kubernetes-embedded-resource");
        listType = text(j, "x-kubernetes-list-type");
        listMapKeys = strings(j.get("x-kubernetes-list-map-keys"));
        mapType = text(j, "x-kubernetes-map-type");
        JsonNode e = j.get("enum");
        if (e != null && e.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            e.forEach(values::add);
            enumValues = values;
        } else {
            enumValues = List.of();
        }
        pattern = text(j, "pattern");
        maximum = number(j, "maximum");
        exclusiveMaximum = flag(j, "exclusiveMaximum");
        minimum = number(j, "minimum");
        exclusiveMinimum = flag(j, "exclusiveMinimum");
        multipleOf = number(j, "multipleOf");
        maxLength = integer(j, "maxLength");
        minLength = integer(j, "minLength");
        maxItems = integer(j, "maxItems");
        minItems = integer(j, "minItems");
        uniqueItems = flag(j, "uniqueItems");
        maxProperties = integer(j, "maxProperties");
        minProperties = integer(j, "minProperties");
        allOf = list(j.get("allOf"));
        anyOf = list(j.get("anyOf"));
        oneOf = list(j.get("oneOf"));
        JsonNode n = j.get("not");
        not = n != null && n.isObject() ? new Node(n) : null;
        ObjectNode p = null;
        for (String key : PUBLISHED) {
            JsonNode v = j.get(key);
            if (v != null && !v.isNull()) {
                if (p == null) {
                    p = JsonNodeFactory.instance.objectNode();
                }
                p.set(key, v.deepCopy());
            }
        }
        published = p;
    }

    /** The node of {@code schema}, or null when it is not a JSON object. */
    static Node of(JsonNode schema) {
        return schema != null && schema.isObject() ? new Node(schema) : null;
    }

    /** The types a value may have: the type, or integer and string for int-or-string. */
    List<String> types() {
        if (intOrString) {
            return List.of("integer", "string");
        }
        return type.isEmpty() ? List.of() : List.of(type);
    }

    /**
     * The compiled pattern (RE2 syntax and semantics, as Go's {@code regexp}), or the {@link PatternSyntaxException}
     * that compiling it gave.
     */
    Object compiledPattern() {
        Object p = compiledPattern;
        if (p == null) {
            try {
                p = GoRegexp.compile(pattern);
            } catch (PatternSyntaxException e) {
                p = e;
            } catch (RuntimeException | StackOverflowError e) {
                p = new PatternSyntaxException(String.valueOf(e.getMessage()), pattern);
            }
            compiledPattern = p;
        }
        return p;
    }

    private static String text(JsonNode j, String key) {
        JsonNode v = j.get(key);
        return v != null && v.isString() ? v.stringValue() : "";
    }

    private static boolean flag(JsonNode j, String key) {
        JsonNode v = j.get(key);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    private static Double number(JsonNode j, String key) {
        JsonNode v = j.get(key);
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    private static Long integer(JsonNode j, String key) {
        JsonNode v = j.get(key);
        return v != null && v.isNumber() ? (long) v.doubleValue() : null;
    }

    private static List<String> strings(JsonNode v) {
        if (v == null || !v.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (s.isString()) {
                out.add(s.stringValue());
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Node> list(JsonNode v) {
        if (v == null || !v.isArray()) {
            return List.of();
        }
        List<Node> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (s.isObject()) {
                out.add(new Node(s));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, Node> properties(JsonNode v) {
        if (v == null || !v.isObject()) {
            return Map.of();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (e.getValue().isObject()) {
                out.put(e.getKey(), new Node(e.getValue()));
            }
        }
        return Collections.unmodifiableMap(out);
    }
}

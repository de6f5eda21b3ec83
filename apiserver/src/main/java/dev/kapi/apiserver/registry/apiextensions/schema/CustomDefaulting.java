package dev.kapi.apiserver.registry.apiextensions.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Map;

/**
 * Applies a CRD version's structural defaults to a custom object, as kube's {@code schema/defaulting}: a
 * property with a default that is absent, or null while not nullable, gets a deep copy of the default; then
 * the walk goes on into properties, additionalProperties values and array items (whose non-nullable nulls are
 * defaulted too). Also kube's companion step that drops non-nullable nulls which have no default.
 */
public final class CustomDefaulting {

    private CustomDefaulting() {
    }

    /** Defaults {@code object} in place. Never throws. */
    public static void apply(JsonNode openAPIV3Schema, ObjectNode object) {
        apply(Node.of(openAPIV3Schema), object);
    }

    static void apply(Node schema, JsonNode object) {
        try {
            defaults(object, schema);
        } catch (StackOverflowError e) {
            // deeper than the stack: what was defaulted so far stays
        }
    }

    /**
     * Removes null values of fields that are neither nullable nor defaulted (kube's
     * {@code PruneNonNullableNullsWithoutDefaults}), recursing like {@link #apply}. Never throws.
     */
    public static void dropNonNullableNulls(JsonNode openAPIV3Schema, ObjectNode object) {
        try {
            dropNulls(object, Node.of(openAPIV3Schema));
        } catch (StackOverflowError e) {
            // deeper than the stack
        }
    }

    private static void defaults(JsonNode x, Node s) {
        if (s == null || x == null) {
            return;
        }
        if (x instanceof ObjectNode o) {
            for (Map.Entry<String, Node> p : s.properties.entrySet()) {
                Node prop = p.getValue();
                if (prop.defaultValue == null) {
                    continue;
                }
                JsonNode v = o.get(p.getKey());
                if (v == null || nonNullableNull(v, prop)) {
                    o.set(p.getKey(), prop.defaultValue.deepCopy());
                }
            }
            for (String k : new ArrayList<>(o.propertyNames())) {
                JsonNode v = o.get(k);
                Node prop = s.properties.get(k);
                if (prop != null) {
                    defaults(v, prop);
                } else if (s.additionalProperties != null) {
                    if (nonNullableNull(v, s.additionalProperties)) {
                        // as kube: the value walked on is the null just replaced, so the default is not defaulted further
                        o.set(k, s.additionalProperties.defaultValue.deepCopy());
                    }
                    defaults(v, s.additionalProperties);
                }
            }
        } else if (x instanceof ArrayNode a && s.items != null) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (nonNullableNull(v, s.items)) {
                    a.set(i, s.items.defaultValue.deepCopy());
                }
                defaults(v, s.items);
            }
        }
    }

    private static boolean nonNullableNull(JsonNode v, Node s) {
        return v != null && v.isNull() && s != null && !s.nullable && s.defaultValue != null;
    }

    private static void dropNulls(JsonNode x, Node s) {
        if (s == null || x == null) {
            return;
        }
        if (x instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : new ArrayList<>(o.properties())) {
                Node prop = s.properties.get(e.getKey());
                if (prop == null) {
                    prop = s.additionalProperties;
                }
                if (prop == null) {
                    continue;
                }
                if (e.getValue().isNull() && !prop.nullable && prop.defaultValue == null) {
                    o.remove(e.getKey());
                } else {
                    dropNulls(e.getValue(), prop);
                }
            }
        } else if (x instanceof ArrayNode a && s.items != null) {
            for (JsonNode v : a) {
                dropNulls(v, s.items);
            }
        }
    }
}

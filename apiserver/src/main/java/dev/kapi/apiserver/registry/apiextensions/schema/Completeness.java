package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * kube's structural completeness ({@code complete.go}): every field or items a root-level value validation
 * (allOf/anyOf/oneOf/not) names must also be specified outside of value validation; and the keywords that make
 * a schema impossible to read structurally at all ({@code NewStructural}'s unsupported fields).
 */
final class Completeness {

    private Completeness() {
    }

    static void check(JsonNode s, String path, List<FieldError> out) {
        junctors(s, s, path, path, out);
    }

    private static void junctors(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> out) {
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nested(not, s, sPath, Raw.child(vPath, "not"), out);
        }
        for (String name : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode list = v.get(name);
            if (list != null && list.isArray()) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).isObject()) {
                        nested(list.get(i), s, sPath, Raw.index(Raw.child(vPath, name), i), out);
                    }
                }
            }
        }
    }

    private static void nested(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> out) {
        if (s == null || !s.isObject()) {
            out.add(FieldError.required(sPath, "because it is defined in " + vPath));
            return;
        }
        junctors(v, s, sPath, vPath, out);
        JsonNode items = v.get("items");
        if (items != null && items.isObject()) {
            nested(items, s.get("items"), Raw.child(sPath, "items"), Raw.child(vPath, "items"), out);
        }
        JsonNode props = v.get("properties");
        if (props != null && props.isObject()) {
            JsonNode sProps = s.get("properties");
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                String k = p.getKey();
                String sp = Raw.key(Raw.child(sPath, "properties"), k);
                String vp = Raw.key(Raw.child(vPath, "properties"), k);
                JsonNode sField = sProps != null && sProps.isObject() ? sProps.get(k) : null;
                if (sField == null || !sField.isObject()) {
                    out.add(FieldError.required(sp, "because it is defined in " + vp));
                } else if (p.getValue().isObject()) {
                    nested(p.getValue(), sField, sp, vp, out);
                }
            }
        }
    }

    /** The first keyword that kube's NewStructural refuses, as its error text, or null. */
    static String unsupported(JsonNode s) {
        if (s == null || !s.isObject()) {
            return null;
        }
        if (!Raw.text(s, "id").isEmpty()) {
            return "id is unsupported";
        }
        if (!Raw.text(s, "$schema").isEmpty()) {
            return "$schema is unsupported";
        }
        for (String k : List.of("$ref", "definitions", "additionalItems", "patternProperties", "dependencies")) {
            if (Raw.present(s, k)) {
                return k + " is unsupported";
            }
        }
        JsonNode items = s.get("items");
        if (items != null && items.isArray() && !items.isEmpty()) {
            return "array-form of items is unsupported";
        }
        String found = unsupported(items);
        if (found == null) {
            found = unsupported(s.get("additionalProperties"));
        }
        if (found == null) {
            found = unsupported(s.get("not"));
        }
        for (String k : List.of("properties", "allOf", "anyOf", "oneOf")) {
            JsonNode c = s.get(k);
            if (found == null && c != null && c.isContainer()) {
                for (JsonNode e : c) {
                    found = found != null ? found : unsupported(e);
                }
            }
        }
        return found;
    }
}

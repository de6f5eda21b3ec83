package dev.kapi.apiserver.registry.apiextensions.schema;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reading keywords of a raw JSONSchemaProps node, and kube's field path spelling (child, key, index). */
final class Raw {

    private Raw() {
    }

    static String text(JsonNode s, String key) {
        JsonNode v = s.get(key);
        return v != null && v.isString() ? v.stringValue() : "";
    }

    static boolean isTrue(JsonNode s, String key) {
        JsonNode v = s.get(key);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    /** Whether the keyword is set (JSON null counts as unset, as Go's decoding leaves the pointer nil). */
    static boolean present(JsonNode s, String key) {
        JsonNode v = s.get(key);
        return v != null && !v.isNull();
    }

    /** Whether the keyword holds a non-empty object or array. */
    static boolean nonEmpty(JsonNode s, String key) {
        JsonNode v = s.get(key);
        return v != null && v.isContainer() && !v.isEmpty();
    }

    static List<String> strings(JsonNode s, String key) {
        JsonNode v = s.get(key);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            for (JsonNode e : v) {
                if (e.isString()) {
                    out.add(e.stringValue());
                }
            }
        }
        return out;
    }

    static String child(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }

    static String key(String path, String key) {
        return path + "[" + key + "]";
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}

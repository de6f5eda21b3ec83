package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a value fits its schema as smd's typed conversion does before an apply: every field declared
 * (or kept as unknown by the schema), maps, lists and scalars where the schema has them, keyed list elements
 * with a key and no two with the same one. The first problem is a {@link TypeError} with smd's words.
 */
public final class Validate {

    private Validate() {
    }

    public static void check(Schema schema, JsonNode value) {
        if (value != null) {
            walk(schema, value, new ArrayList<>());
        }
    }

    private static void walk(Schema s, JsonNode v, List<PathElement> path) {
        if (v.isNull() || Types.deduced(s)) {
            return;
        }
        switch (Types.kind(s, v)) {
            case MAP -> map(s, v, path);
            case LIST -> list(s, v, path);
            case SCALAR -> scalar(s, v, path);
        }
    }

    private static void map(Schema s, JsonNode v, List<PathElement> path) {
        if (!v.isObject()) {
            throw new TypeError(path, "expected map, got " + describe(v));
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            path.add(new PathElement.Field(e.getKey()));
            if (!Types.knows(s, e.getKey())) {
                throw new TypeError(path, "field not declared in schema");
            }
            walk(Types.field(s, e.getKey()), e.getValue(), path);
            path.remove(path.size() - 1);
        }
    }

    private static void list(Schema s, JsonNode v, List<PathElement> path) {
        if (!v.isArray()) {
            throw new TypeError(path, "expected list, got " + describe(v));
        }
        List<String> keys = Types.listKeys(s);
        Set<PathElement> seen = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (keys != null) {
                PathElement pe;
                try {
                    pe = ListItems.pathElement(s, keys, item);
                } catch (IllegalArgumentException e) {
                    throw new TypeError(path, "element " + i + ": " + e.getMessage());
                }
                if (!seen.add(pe)) {
                    throw new TypeError(path, "duplicate entries for key " + pe);
                }
                path.add(pe);
            } else {
                path.add(new PathElement.Index(i));
            }
            walk(Types.items(s), item, path);
            path.remove(path.size() - 1);
        }
    }

    private static void scalar(Schema s, JsonNode v, List<PathElement> path) {
        if (!s.oneOf().isEmpty() || s.intOrString()) {
            if (v.isObject() || v.isArray()) {
                throw new TypeError(path, "expected scalar, got " + describe(v));
            }
            return;
        }
        boolean ok = switch (s.type()) {
            case "string" -> v.isString();
            case "integer", "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> !v.isObject() && !v.isArray();
        };
        if (!ok) {
            String want = switch (s.type()) {
                case "integer", "number" -> "numeric (int or float)";
                default -> s.type();
            };
            throw new TypeError(path, "expected " + want + ", got " + describe(v));
        }
    }

    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "map";
        }
        if (v.isArray()) {
            return "list";
        }
        if (v.isString()) {
            return "string \"" + v.stringValue() + "\"";
        }
        return v.isNumber() ? "number " + v.asString() : v.isBoolean() ? "bool " + v.asString() : "null";
    }
}

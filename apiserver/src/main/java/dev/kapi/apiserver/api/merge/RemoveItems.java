package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Removes the fields of a set from a value, or keeps only them (smd's {@code RemoveItems} and {@code
 * ExtractItems}). A path that is a member goes (or stays) whole; a path with children is descended into. A map
 * or list left with nothing becomes null, as in smd. The input is never changed.
 */
public final class RemoveItems {

    private RemoveItems() {
    }

    /** {@code value} without the fields in {@code set}. */
    public static JsonNode remove(Schema schema, JsonNode value, FieldSet set) {
        return value == null || set.isEmpty() ? value : walk(schema, value, set, false);
    }

    /** Only the fields of {@code value} that are in {@code set}. */
    public static JsonNode extract(Schema schema, JsonNode value, FieldSet set) {
        return value == null ? null : walk(schema, value, set, true);
    }

    private static JsonNode walk(Schema s, JsonNode v, FieldSet set, boolean extract) {
        return switch (Types.kind(s, v)) {
            case SCALAR -> v;
            case MAP -> map(s, v, set, extract);
            case LIST -> list(s, v, set, extract);
        };
    }

    private static JsonNode map(Schema s, JsonNode v, FieldSet set, boolean extract) {
        if (!v.isObject()) {
            return null;
        }
        if (v.isEmpty() || Types.atomicMap(s)) {
            return extract ? v : null;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            PathElement pe = new PathElement.Field(e.getKey());
            Schema field = Types.field(s, e.getKey());
            JsonNode val = e.getValue();
            if (set.members().contains(pe)) {
                if (extract) {
                    out.set(e.getKey(), nullToJson(walk(field, val, set, true)));
                }
                continue;
            }
            FieldSet subset = set.withPrefix(pe);
            if (!subset.isEmpty()) {
                val = nullToJson(walk(field, val, subset, extract));
            } else if (extract) {
                continue;
            }
            out.set(e.getKey(), val);
        }
        return out.isEmpty() ? null : out;
    }

    private static JsonNode list(Schema s, JsonNode v, FieldSet set, boolean extract) {
        if (!v.isArray()) {
            return null;
        }
        List<String> keys = Types.listKeys(s);
        if (v.isEmpty() || keys == null) {
            return extract ? v : null;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode item : v) {
            PathElement pe = ListItems.orNull(s, keys, item);
            boolean exact = pe != null && set.members().contains(pe);
            FieldSet subset = pe == null ? FieldSet.empty() : set.withPrefix(pe);
            if (!subset.isEmpty()) {
                item = nullToJson(walk(Types.items(s), item, subset, extract));
            }
            if (extract ? exact || !subset.isEmpty() : !exact) {
                out.add(item);
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static JsonNode nullToJson(JsonNode n) {
        return n == null ? Json.MAPPER.nullNode() : n;
    }
}

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
 * Removes the fields of a set from a value (smd's {@code RemoveItems}). A path that is a member goes whole; a
 * path with children is descended into. A map or list left with nothing becomes null, as in smd. The input is
 * never changed.
 */
public final class RemoveItems {

    private RemoveItems() {
    }

    /** {@code value} without the fields in {@code set}. */
    public static JsonNode remove(Schema schema, JsonNode value, FieldSet set) {
        return value == null || set.isEmpty() ? value : walk(schema, value, set);
    }

    private static JsonNode walk(Schema s, JsonNode v, FieldSet set) {
        return switch (Types.kind(s, v)) {
            case SCALAR -> v;
            case MAP -> map(s, v, set);
            case LIST -> list(s, v, set);
        };
    }

    private static JsonNode map(Schema s, JsonNode v, FieldSet set) {
        if (!v.isObject() || v.isEmpty() || Types.atomicMap(s)) {
            return null;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            PathElement pe = new PathElement.Field(e.getKey());
            if (set.members().contains(pe)) {
                continue;
            }
            FieldSet subset = set.withPrefix(pe);
            JsonNode val = subset.isEmpty() ? e.getValue()
                    : nullToJson(walk(Types.field(s, e.getKey()), e.getValue(), subset));
            out.set(e.getKey(), val);
        }
        return out.isEmpty() ? null : out;
    }

    private static JsonNode list(Schema s, JsonNode v, FieldSet set) {
        List<String> keys = Types.listKeys(s);
        if (!v.isArray() || v.isEmpty() || keys == null) {
            return null;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode item : v) {
            PathElement pe = ListItems.orNull(s, keys, item);
            if (pe != null && set.members().contains(pe)) {
                continue;
            }
            FieldSet subset = pe == null ? FieldSet.empty() : set.withPrefix(pe);
            out.add(subset.isEmpty() ? item : nullToJson(walk(Types.items(s), item, subset)));
        }
        return out.isEmpty() ? null : out;
    }

    private static JsonNode nullToJson(JsonNode n) {
        return n == null ? Json.MAPPER.nullNode() : n;
    }
}

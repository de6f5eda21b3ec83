package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields a value sets (smd's {@code ToFieldSet}): every scalar, every atomic list or map as a whole, every
 * element of a keyed list or set (and its fields), every map entry that is not a named struct field, and every
 * field whose value is null or an empty object. Elements that share a key are owned as a whole, not descended
 * into. Lenient: what does not fit the schema is taken as deduced, elements without identity are skipped.
 */
public final class ToFieldSet {

    private ToFieldSet() {
    }

    /** The field set of {@code value}, an instance of {@code schema}. */
    public static FieldSet of(Schema schema, JsonNode value) {
        FieldSet.Builder b = FieldSet.builder();
        if (value != null) {
            walk(schema, value, new ArrayList<>(), b);
        }
        return b.build();
    }

    private static void walk(Schema s, JsonNode v, List<PathElement> path, FieldSet.Builder out) {
        switch (Types.kind(s, v)) {
            case MAP -> map(s, v, path, out);
            case LIST -> list(s, v, path, out);
            case SCALAR -> out.insert(path);
        }
    }

    private static void map(Schema s, JsonNode v, List<PathElement> path, FieldSet.Builder out) {
        if (Types.atomicMap(s)) {
            out.insert(path);
            return;
        }
        if (!v.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            path.add(new PathElement.Field(e.getKey()));
            JsonNode val = e.getValue();
            walk(Types.field(s, e.getKey()), val, path, out);
            if (val.isNull() || (val.isObject() && val.isEmpty()) || !Types.namedField(s, e.getKey())) {
                out.insert(path);
            }
            path.remove(path.size() - 1);
        }
    }

    private static void list(Schema s, JsonNode v, List<PathElement> path, FieldSet.Builder out) {
        List<String> keys = Types.listKeys(s);
        if (keys == null) {
            out.insert(path);
            return;
        }
        if (!v.isArray()) {
            return;
        }
        Set<PathElement> seen = new HashSet<>();
        Set<PathElement> duplicates = new HashSet<>();
        for (JsonNode item : v) {
            PathElement pe = ListItems.orNull(s, keys, item);
            if (pe != null && !seen.add(pe) && duplicates.add(pe)) {
                path.add(pe);
                out.insert(path);
                path.remove(path.size() - 1);
            }
        }
        for (JsonNode item : v) {
            PathElement pe = ListItems.orNull(s, keys, item);
            if (pe == null || duplicates.contains(pe)) {
                continue;
            }
            path.add(pe);
            walk(Types.items(s), item, path, out);
            out.insert(path);
            path.remove(path.size() - 1);
        }
    }
}

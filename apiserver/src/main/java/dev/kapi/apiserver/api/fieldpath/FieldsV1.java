package dev.kapi.apiserver.api.fieldpath;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The FieldsV1 wire form of a {@link FieldSet}, as {@code metadata.managedFields[].fieldsV1} carries it:
 * each path element is a key ({@code f:}, {@code k:}, {@code v:}, {@code i:}), an element that is a member
 * and has children holds {@code ".": {}}, and keys are written in path-element order (smd's serializer), so
 * equal sets always serialize the same.
 */
public final class FieldsV1 {

    private FieldsV1() {
    }

    /** The FieldsV1 JSON of {@code set} ({@code {}} for the empty set). */
    public static ObjectNode of(FieldSet set) {
        return Json.MAPPER.valueToTree(asMap(set));
    }

    /**
     * The same JSON as nested maps in key order: what {@code ManagedFieldsEntry.fieldsV1} holds, built without a
     * JSON tree in between (every write that tracks managed fields encodes one).
     */
    public static Map<String, Object> asMap(FieldSet set) {
        Map<String, Object> out = new LinkedHashMap<>();
        write(set, out);
        return out;
    }

    private static void write(FieldSet set, Map<String, Object> out) {
        var members = set.members().iterator();
        var children = set.children().entrySet().iterator();
        PathElement m = members.hasNext() ? members.next() : null;
        Map.Entry<PathElement, FieldSet> c = children.hasNext() ? children.next() : null;
        while (m != null || c != null) {
            int order = m == null ? 1 : c == null ? -1 : m.compareTo(c.getKey());
            if (order < 0) {
                out.put(m.fieldsV1Key(), new LinkedHashMap<>());
                m = members.hasNext() ? members.next() : null;
                continue;
            }
            Map<String, Object> child = new LinkedHashMap<>();
            if (order == 0) {
                child.put(".", new LinkedHashMap<>());
                m = members.hasNext() ? members.next() : null;
            }
            write(c.getValue(), child);
            out.put(c.getKey().fieldsV1Key(), child);
            c = children.hasNext() ? children.next() : null;
        }
    }

    /**
     * The set a FieldsV1 JSON object describes; an {@link IllegalArgumentException} says what is malformed
     * (not an object, a key without a type prefix, a key or value that is not JSON). Keys of an unknown element
     * type ({@code r:...}) are dropped, as smd drops them.
     */
    public static FieldSet toSet(JsonNode fieldsV1) {
        if (fieldsV1 == null || fieldsV1.isNull() || fieldsV1.isMissingNode()) {
            return FieldSet.empty();
        }
        if (!fieldsV1.isObject()) {
            throw new IllegalArgumentException("FieldsV1 must be a JSON object");
        }
        FieldSet.Builder b = FieldSet.builder();
        read(fieldsV1, b);
        return b.build();
    }

    private static void read(JsonNode node, FieldSet.Builder into) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equals(".")) {
                continue;
            }
            if (e.getKey().length() >= 2 && e.getKey().charAt(1) == ':' && "fkvi".indexOf(e.getKey().charAt(0)) < 0) {
                continue; // an element type of a newer serialization: skipped, as smd skips it
            }
            PathElement pe = PathElement.parseFieldsV1Key(e.getKey());
            JsonNode v = e.getValue();
            if (!v.isObject()) {
                throw new IllegalArgumentException("the value of " + e.getKey() + " must be a JSON object");
            }
            if (v.isEmpty() || v.has(".")) {
                into.member(pe);
            }
            if (v.size() > (v.has(".") ? 1 : 0)) {
                read(v, into.child(pe));
            }
        }
    }
}

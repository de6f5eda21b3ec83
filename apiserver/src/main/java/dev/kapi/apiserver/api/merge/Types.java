package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the merge reads a {@link Schema} node (smd's schema atoms): as a map (a struct with named fields, a map
 * with an element schema, or both), a list (atomic, a set, or a map keyed by fields), or a scalar. A null node,
 * or one with no type (free-form, preserve-unknown-fields), is deduced from the value: objects are granular
 * maps of deduced values, arrays atomic lists, the rest scalars.
 */
final class Types {

    enum Kind { MAP, LIST, SCALAR }

    private Types() {
    }

    static boolean deduced(Schema s) {
        return s == null || (s.type().isEmpty() && s.oneOf().isEmpty());
    }

    /** The kind of {@code value} under schema {@code s} (a deduced node takes the value's kind). */
    static Kind kind(Schema s, JsonNode value) {
        if (deduced(s)) {
            // smd's deduced atom is a map first: a null is an empty map
            if (value != null && (value.isObject() || value.isNull())) {
                return Kind.MAP;
            }
            return value != null && value.isArray() ? Kind.LIST : Kind.SCALAR;
        }
        return switch (s.type()) {
            case "object" -> Kind.MAP;
            case "array" -> Kind.LIST;
            default -> Kind.SCALAR;
        };
    }

    /**
     * {@code x-kubernetes-map-type: atomic} on the node, else on the definition it refers to (a field's own
     * {@code granular} overrides an atomic type). An untyped node may be atomic too.
     */
    static boolean atomicMap(Schema s) {
        if (s == null) {
            return false;
        }
        if (!s.mapType().isEmpty()) {
            return "atomic".equals(s.mapType());
        }
        return s.definition() != null && "atomic".equals(s.definition().mapType());
    }

    /** The schema of the value under {@code key} of a map: its named field, else the element schema (or deduced). */
    static Schema field(Schema map, String key) {
        return deduced(map) ? null : map.field(key);
    }

    /** Whether {@code key} is a named field of a struct (smd's {@code FindField}), not a map entry. */
    static boolean namedField(Schema map, String key) {
        return !deduced(map) && map.properties().containsKey(key);
    }

    /** Whether a map of this schema knows {@code key}: a named field, a map entry, or kept as unknown. */
    static boolean knows(Schema map, String key) {
        return deduced(map) || map.properties().containsKey(key) || map.additionalProperties() != null
                || map.preserveUnknownFields();
    }

    /** The keys of two maps (either may be null), the left's first, in order. */
    static Set<String> keys(JsonNode l, JsonNode r) {
        Set<String> keys = new LinkedHashSet<>();
        if (l != null) {
            l.propertyNames().forEach(keys::add);
        }
        if (r != null) {
            r.propertyNames().forEach(keys::add);
        }
        return keys;
    }

    static Schema items(Schema list) {
        return deduced(list) ? null : list.items();
    }

    /**
     * The key fields of a list that is a map ({@code x-kubernetes-list-type: map} with its keys, or a patch
     * strategy of merge with a merge key, as kube's schema conversion reads it), an empty list for a set
     * ({@code set}, or merge without a key), or null for an atomic list (the default).
     */
    static List<String> listKeys(Schema s) {
        if (deduced(s)) {
            return null;
        }
        switch (s.listType()) {
            case "map":
                return s.listMapKeys();
            case "set":
                return List.of();
            case "atomic":
                return null;
            default:
                if (s.hasPatchStrategy("merge")) {
                    return s.patchMergeKey().isEmpty() ? List.of() : List.of(s.patchMergeKey());
                }
                return null;
        }
    }
}

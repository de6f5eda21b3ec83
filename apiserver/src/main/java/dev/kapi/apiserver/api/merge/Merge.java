package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a value into another of the same schema (smd's {@code TypedValue.Merge}): the right side wins for
 * scalars, atomic lists and atomic maps; maps merge field by field; keyed lists and sets merge element by
 * element, matched by key, the right side's order kept for the elements it has and the left side's elements
 * slotted in where they stood. The inputs are never changed.
 */
public final class Merge {

    private Merge() {
    }

    /**
     * {@code lhs} with {@code rhs} merged in; either may be null (absent). A {@link TypeError} when the right
     * side has two elements with one key.
     */
    public static JsonNode of(Schema schema, JsonNode lhs, JsonNode rhs) {
        if (lhs == null && rhs == null) {
            return null;
        }
        return merge(schema, lhs, rhs, new ArrayList<>());
    }

    private static JsonNode merge(Schema s, JsonNode l, JsonNode r, List<PathElement> path) {
        if (r == null) {
            return l;
        }
        if (l == null) {
            return r;
        }
        Types.Kind kind = Types.kind(s, r);
        if (Types.kind(s, l) != kind) {
            return r;
        }
        return switch (kind) {
            case SCALAR -> r;
            case MAP -> {
                boolean empty = Compare.isEmpty(l) && Compare.isEmpty(r);
                if (Types.atomicMap(s) || empty) {
                    yield r;
                }
                yield map(s, Compare.objectOrNull(l), Compare.objectOrNull(r), path);
            }
            case LIST -> {
                List<String> keys = Types.listKeys(s);
                if (keys == null || Compare.isEmpty(l) && Compare.isEmpty(r)) {
                    yield r;
                }
                yield list(s, keys, Compare.arrayOrNull(l), Compare.arrayOrNull(r), path);
            }
        };
    }

    private static JsonNode map(Schema s, JsonNode l, JsonNode r, List<PathElement> path) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (String k : Types.keys(l, r)) {
            path.add(new PathElement.Field(k));
            JsonNode v = merge(Types.field(s, k), l == null ? null : l.get(k), r == null ? null : r.get(k), path);
            path.remove(path.size() - 1);
            if (v != null) {
                out.set(k, v);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** smd's list merge: walks both sides in step, keeping the right side's order of the shared elements. */
    private static JsonNode list(Schema s, List<String> keys, JsonNode lhs, JsonNode rhs, List<PathElement> path) {
        List<PathElement> rhsPes = new ArrayList<>();
        Map<PathElement, JsonNode> observedRhs = new HashMap<>();
        if (rhs != null) {
            for (int i = 0; i < rhs.size(); i++) {
                PathElement pe = identity(s, keys, rhs.get(i), i, path);
                if (observedRhs.putIfAbsent(pe, rhs.get(i)) != null) {
                    throw new TypeError(path, "duplicate entries for key " + pe);
                }
                rhsPes.add(pe);
            }
        }
        List<PathElement> lhsPes = new ArrayList<>();
        Map<PathElement, JsonNode> observedLhs = new HashMap<>();
        if (lhs != null) {
            for (int i = 0; i < lhs.size(); i++) {
                PathElement pe = identity(s, keys, lhs.get(i), i, path);
                // a duplicated element merges as null: the right side's element replaces all of them
                observedLhs.merge(pe, lhs.get(i), (a, b) -> Json.MAPPER.nullNode());
                lhsPes.add(pe);
            }
        }
        ArrayDeque<PathElement> shared = new ArrayDeque<>();
        for (PathElement pe : rhsPes) {
            if (observedLhs.containsKey(pe)) {
                shared.add(pe);
            }
        }
        PathElement nextShared = shared.poll();
        Set<PathElement> mergedRhs = new HashSet<>();
        Schema items = Types.items(s);
        ArrayNode out = Json.MAPPER.createArrayNode();
        int li = 0;
        int ri = 0;
        while (li < lhsPes.size() || ri < rhsPes.size()) {
            if (li < lhsPes.size() && ri < rhsPes.size()) {
                PathElement pe = lhsPes.get(li);
                if (pe.equals(rhsPes.get(ri))) {
                    mergedRhs.add(pe);
                    add(out, item(items, pe, observedLhs.get(pe), observedRhs.get(pe), path));
                    li++;
                    ri++;
                    nextShared = shared.poll();
                    continue;
                }
                if (observedRhs.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    li++;
                    continue;
                }
            }
            if (li < lhsPes.size()) {
                PathElement pe = lhsPes.get(li);
                if (!observedRhs.containsKey(pe)) {
                    add(out, item(items, pe, lhs.get(li), null, path));
                    li++;
                    continue;
                } else if (mergedRhs.contains(pe)) {
                    li++;
                }
            }
            if (ri < rhsPes.size()) {
                PathElement pe = rhsPes.get(ri);
                mergedRhs.add(pe);
                add(out, item(items, pe, observedLhs.get(pe), observedRhs.get(pe), path));
                ri++;
                if (nextShared != null && nextShared.equals(pe)) {
                    nextShared = shared.poll();
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static PathElement identity(Schema s, List<String> keys, JsonNode item, int i, List<PathElement> path) {
        try {
            return ListItems.pathElement(s, keys, item);
        } catch (IllegalArgumentException e) {
            throw new TypeError(path, "element " + i + ": " + e.getMessage());
        }
    }

    private static JsonNode item(Schema items, PathElement pe, JsonNode l, JsonNode r, List<PathElement> path) {
        path.add(pe);
        JsonNode v = merge(items, l, r, path);
        path.remove(path.size() - 1);
        return v;
    }

    private static void add(ArrayNode out, JsonNode v) {
        if (v != null) {
            out.add(v);
        }
    }
}

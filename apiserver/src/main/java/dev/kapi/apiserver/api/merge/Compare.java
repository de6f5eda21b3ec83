package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.JsonValues;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which fields differ between two values of one schema (smd's {@code Compare}): fields only in the second are
 * added, only in the first removed, scalars (and atomic lists and maps) that differ modified. Keyed list
 * elements are matched by key, whatever their order; an element that appears more than once is compared as a
 * whole.
 */
public final class Compare {

    private final FieldSet.Builder added = FieldSet.builder();
    private final FieldSet.Builder modified = FieldSet.builder();
    private final FieldSet.Builder removed = FieldSet.builder();

    private Compare() {
    }

    /** The comparison from {@code lhs} to {@code rhs} (either may be null: absent). */
    public static Comparison of(Schema schema, JsonNode lhs, JsonNode rhs) {
        Compare c = new Compare();
        if (lhs != null || rhs != null) {
            c.compare(schema, lhs, rhs, new ArrayList<>());
        }
        return new Comparison(c.added.build(), c.modified.build(), c.removed.build());
    }

    /** One level; returns nothing, records into the three builders. */
    private void compare(Schema s, JsonNode l, JsonNode r, List<PathElement> path) {
        boolean[] inLeaf = {false};
        Types.Kind kl = l == null ? null : Types.kind(s, l);
        Types.Kind kr = r == null ? null : Types.kind(s, r);
        if (r == null) {
            handle(kl, s, l, r, path, inLeaf);
        } else if (l == null || kl == kr) {
            handle(kr, s, l, r, path, inLeaf);
        } else {
            handle(kl, s, l, r, path, new boolean[]{false});
            handle(kr, s, l, r, path, inLeaf);
        }
        if (!inLeaf[0]) {
            if (l == null) {
                added.insert(path);
            } else if (r == null) {
                removed.insert(path);
            }
        }
    }

    private void handle(Types.Kind kind, Schema s, JsonNode l, JsonNode r, List<PathElement> path, boolean[] inLeaf) {
        switch (kind) {
            case SCALAR -> leaf(l, r, path, inLeaf);
            case MAP -> {
                boolean empty = isEmpty(l) && isEmpty(r);
                if (Types.atomicMap(s) || empty) {
                    leaf(l, r, path, inLeaf);
                } else {
                    map(s, objectOrNull(l), objectOrNull(r), path);
                }
            }
            case LIST -> {
                List<String> keys = Types.listKeys(s);
                if (keys == null || isEmpty(l) && isEmpty(r)) {
                    leaf(l, r, path, inLeaf);
                } else {
                    list(s, keys, arrayOrNull(l), arrayOrNull(r), path);
                }
            }
        }
    }

    private void leaf(JsonNode l, JsonNode r, List<PathElement> path, boolean[] inLeaf) {
        if (inLeaf[0]) {
            return;
        }
        inLeaf[0] = true;
        if (l == null) {
            added.insert(path);
        } else if (r == null) {
            removed.insert(path);
        } else if (!JsonValues.equal(l, r)) {
            modified.insert(path);
        }
    }

    private void map(Schema s, JsonNode l, JsonNode r, List<PathElement> path) {
        for (String k : Types.keys(l, r)) {
            path.add(new PathElement.Field(k));
            compare(Types.field(s, k), l == null ? null : l.get(k), r == null ? null : r.get(k), path);
            path.remove(path.size() - 1);
        }
    }

    private void list(Schema s, List<String> keys, JsonNode l, JsonNode r, List<PathElement> path) {
        Map<PathElement, List<JsonNode>> left = index(s, keys, l);
        Map<PathElement, List<JsonNode>> right = index(s, keys, r);
        Set<PathElement> all = new LinkedHashSet<>(left.keySet());
        all.addAll(right.keySet());
        Schema items = Types.items(s);
        for (PathElement pe : all) {
            List<JsonNode> ll = left.getOrDefault(pe, List.of());
            List<JsonNode> rl = right.getOrDefault(pe, List.of());
            path.add(pe);
            if (ll.size() <= 1 && rl.size() <= 1) {
                compare(items, ll.isEmpty() ? null : ll.get(0), rl.isEmpty() ? null : rl.get(0), path);
            } else if (ll.size() >= 2 && rl.size() >= 2) {
                if (!sameItems(ll, rl)) {
                    modified.insert(path);
                }
            } else if (ll.size() >= 2) {
                if (!rl.isEmpty()) {
                    compare(items, null, rl.get(0), path);
                }
                removed.insert(path);
            } else {
                if (!ll.isEmpty()) {
                    compare(items, ll.get(0), null, path);
                }
                added.insert(path);
            }
            path.remove(path.size() - 1);
        }
    }

    private static boolean sameItems(List<JsonNode> a, List<JsonNode> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!JsonValues.equal(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Map<PathElement, List<JsonNode>> index(Schema s, List<String> keys, JsonNode list) {
        Map<PathElement, List<JsonNode>> m = new LinkedHashMap<>();
        if (list != null) {
            for (JsonNode item : list) {
                PathElement pe = ListItems.orNull(s, keys, item);
                if (pe != null) {
                    m.computeIfAbsent(pe, k -> new ArrayList<>()).add(item);
                }
            }
        }
        return m;
    }

    static boolean isEmpty(JsonNode n) {
        return n == null || n.isNull() || ((n.isObject() || n.isArray()) && n.isEmpty());
    }

    static JsonNode objectOrNull(JsonNode n) {
        return n != null && n.isObject() ? n : null;
    }

    static JsonNode arrayOrNull(JsonNode n) {
        return n != null && n.isArray() ? n : null;
    }
}

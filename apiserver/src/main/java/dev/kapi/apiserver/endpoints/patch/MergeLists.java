package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The list half of the strategic merge patch: lists whose schema has patch strategy {@code merge} are merged
 * by its merge key (lists of objects) or unioned (lists of primitives), honouring {@code $patch} elements, and
 * ordered the way kube orders them (patch items in patch order, interleaved with server-only items in
 * live order).
 */
final class MergeLists {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MergeLists() {
    }

    /**
     * Merges {@code patch} into {@code original} (both owned; the result may share their elements), lists of
     * the merged field {@code field}.
     */
    static ArrayNode merge(ArrayNode original, ArrayNode patch, Schema field) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        boolean objects = elementsAreObjects(original, patch);
        String mergeKey = objects ? field.patchMergeKey() : "";
        Schema element = field.items();
        List<JsonNode> orig = list(original);
        List<JsonNode> patchItems = list(patch);
        List<JsonNode> merged;
        if (!objects) {
            merged = new ArrayList<>();
            Set<Object> seen = new HashSet<>();
            for (JsonNode v : concat(orig, patchItems)) {
                if (seen.add(keyOf(v, ""))) {
                    merged.add(v);
                }
            }
        } else {
            if (mergeKey.isEmpty()) {
                throw PatchErrors.malformed("cannot merge lists without merge key for type " + typeName(element));
            }
            // $patch elements: delete removes by key, replace makes the rest of the patch the whole list
            List<JsonNode> plain = new ArrayList<>();
            Set<Object> deleted = new HashSet<>();
            boolean replace = false;
            for (JsonNode v : patchItems) {
                JsonNode d = v.get(StrategicMergePatch.DIRECTIVE);
                if (d == null) {
                    plain.add(v);
                    continue;
                }
                String directive = d.isString() ? d.stringValue() : d.toString();
                switch (directive) {
                    case "delete" -> {
                        JsonNode key = v.get(mergeKey);
                        if (key == null) {
                            throw StrategicMergePatch.noMergeKey(v, mergeKey);
                        }
                        deleted.add(keyOf(v, mergeKey));
                    }
                    case "replace" -> replace = true;
                    case "merge" -> throw PatchErrors.malformed("merging lists cannot yet be specified in the patch");
                    default -> throw PatchErrors.malformed("unknown patch type: " + directive + " in map: " + v);
                }
            }
            if (!deleted.isEmpty()) {
                orig.removeIf(o -> deleted.contains(keyOf(o, mergeKey)));
            }
            if (replace) {
                orig = plain;
                patchItems = List.of();
            } else {
                patchItems = plain;
            }
            merged = new ArrayList<>(orig);
            Map<Object, Integer> at = positions(merged, mergeKey);
            for (JsonNode v : patchItems) {
                Object key = keyOf(v, mergeKey);
                if (key == null) {
                    throw StrategicMergePatch.noMergeKey(v, mergeKey);
                }
                Integer i = at.get(key);
                if (i != null) {
                    merged.set(i, StrategicMergePatch.mergeMap(((ObjectNode) merged.get(i)).deepCopy(),
                            (ObjectNode) v, element));
                } else {
                    at.put(key, merged.size());
                    merged.add(StrategicMergePatch.mergeMap(null, (ObjectNode) v, element));
                }
            }
        }
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        Map<Object, Integer> patched = positions(patchItems, mergeKey);
        for (JsonNode v : merged) {
            (contains(patched, v, mergeKey) ? inPatch : serverOnly).add(v);
        }
        return normalize(inPatch, serverOnly, patchItems, orig, mergeKey);
    }

    /** The Go type name of list elements in an error: the definition's short name, else "unknown". */
    private static String typeName(Schema element) {
        Schema d = element == null ? null : element.definition();
        return d == null ? "unknown" : d.name().substring(d.name().lastIndexOf('.') + 1);
    }

    /**
     * Sorts {@code patchItems} by {@code patchOrder} and {@code serverOnly} by {@code serverOrder}, then
     * interleaves them: a server-only item goes before a patch item when both are in the live list and it
     * comes first there; otherwise the patch item goes first.
     */
    static ArrayNode normalize(List<JsonNode> patchItems, List<JsonNode> serverOnly, List<JsonNode> patchOrder,
                               List<JsonNode> serverOrder, String mergeKey) {
        List<JsonNode> right = sorted(patchItems, patchOrder, mergeKey);
        Map<Object, Integer> live = positions(serverOrder, mergeKey);
        List<JsonNode> left = sorted(serverOnly, live, mergeKey);
        ArrayNode out = NODES.arrayNode();
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (j >= right.size()) {
                out.add(left.get(i++));
            } else if (i >= left.size()) {
                out.add(right.get(j++));
            } else {
                int li = position(live, left.get(i), mergeKey);
                int ri = position(live, right.get(j), mergeKey);
                out.add(li >= 0 && ri >= 0 && li < ri ? left.get(i++) : right.get(j++));
            }
        }
        return out;
    }

    private static List<JsonNode> sorted(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
        return sorted(items, positions(order, mergeKey), mergeKey);
    }

    private static List<JsonNode> sorted(List<JsonNode> items, Map<Object, Integer> order, String mergeKey) {
        List<JsonNode> out = new ArrayList<>(items);
        out.sort(Comparator.comparingInt(v -> {
            int at = position(order, v, mergeKey);
            return at < 0 ? Integer.MAX_VALUE : at;
        }));
        return out;
    }

    /**
     * Kube's check that the patch list's items appear in the {@code $setElementOrder} list in the same
     * relative order ({@code $patch} elements excepted).
     */
    static void validateOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
        if (patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode v : patchList) {
            if (!(v instanceof ObjectNode o && o.has(StrategicMergePatch.DIRECTIVE))) {
                items.add(v);
            }
        }
        int p = 0;
        for (int s = 0; s < order.size() && p < items.size(); s++) {
            JsonNode item = items.get(p);
            JsonNode o = order.get(s);
            if (!mergeKey.isEmpty() && (item.get(mergeKey) == null || o.get(mergeKey) == null)) {
                throw StrategicMergePatch.noMergeKey(item.get(mergeKey) == null ? item : o, mergeKey);
            }
            if (mergeKey.isEmpty() ? same(item, o) : same(item.get(mergeKey), o.get(mergeKey))) {
                p++;
            }
        }
        if (p < items.size()) {
            throw PatchErrors.malformed("The order in patch list:\n" + patchList + "\n doesn't match "
                    + StrategicMergePatch.SET_ORDER_PREFIX + " list:\n" + order + "\n");
        }
    }

    /**
     * Where each key (the merge key's value, or the item itself) first occurs in {@code list}: kube merges and
     * orders lists by such lookups, and a list scan per item made a patch of many items take quadratic time.
     */
    static Map<Object, Integer> positions(Iterable<JsonNode> list, String mergeKey) {
        Map<Object, Integer> out = new HashMap<>();
        int i = 0;
        for (JsonNode v : list) {
            Object key = keyOf(v, mergeKey);
            if (key != null) {
                out.putIfAbsent(key, i);
            }
            i++;
        }
        return out;
    }

    static boolean contains(Map<Object, Integer> positions, JsonNode item, String mergeKey) {
        return position(positions, item, mergeKey) >= 0;
    }

    private static int position(Map<Object, Integer> positions, JsonNode item, String mergeKey) {
        Object key = keyOf(item, mergeKey);
        Integer at = key == null ? null : positions.get(key);
        return at == null ? -1 : at;
    }

    /**
     * The lookup key of an item, the one definition of list-item equality ({@link #same}): a number by its
     * value (80 and 80.0 alike), anything else as the node itself; null for an object without the merge key.
     */
    static Object keyOf(JsonNode item, String mergeKey) {
        JsonNode key = mergeKey.isEmpty() ? item : item.get(mergeKey);
        if (key == null) {
            return null;
        }
        return key.isNumber() ? new NumberKey(key.decimalValue().stripTrailingZeros()) : key;
    }

    private record NumberKey(BigDecimal value) {
    }

    /**
     * JSON equality, with numbers compared by value (80 equals 80.0 as Go's float64 decoding makes them): the
     * equality of {@link #keyOf}, which the lookups by key use.
     */
    static boolean same(JsonNode a, JsonNode b) {
        return a != null && b != null && keyOf(a, "").equals(keyOf(b, ""));
    }

    static List<JsonNode> list(ArrayNode a) {
        List<JsonNode> out = new ArrayList<>(a.size());
        a.forEach(out::add);
        return out;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static boolean elementsAreObjects(ArrayNode original, ArrayNode patch) {
        Boolean objects = null;
        for (ArrayNode list : List.of(original, patch)) {
            for (JsonNode v : list) {
                if (v.isArray()) {
                    throw PatchErrors.unprocessable("lists of lists are not supported");
                }
                boolean o = v.isObject();
                if (objects != null && objects != o) {
                    throw PatchErrors.malformed("list element types are not identical: " + original + " " + patch);
                }
                objects = o;
            }
        }
        return Boolean.TRUE.equals(objects);
    }
}

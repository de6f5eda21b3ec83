package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch ({@code application/strategic-merge-patch+json}), the semantics of
 * apimachinery's {@code strategicpatch.StrategicMergeMapPatch} as the API server applies it: maps merge
 * recursively, {@code null} deletes a key, lists whose field's schema has patch strategy {@code merge} are
 * merged by its merge key (or unioned, for primitives), other lists are replaced; an object whose field has
 * strategy {@code replace} is replaced whole. A field the schema does not know (null schema) has no strategy,
 * as kube treats unstructured objects. Directives: {@code $patch}
 * (replace / delete / merge, in a map or as a list element), {@code $retainKeys},
 * {@code $deleteFromPrimitiveList/<field>} and {@code $setElementOrder/<field>}. Element order follows
 * kube: {@code $setElementOrder} first, then the patch's order, then the live object's order.
 */
final class StrategicMergePatch {

    static final String DIRECTIVE = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList";
    static final String SET_ORDER_PREFIX = "$setElementOrder";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {
    }

    /** Applies {@code patch} to a copy of {@code original}, a JSON object of schema {@code schema}. */
    static ObjectNode apply(JsonNode original, ObjectNode patch, Schema schema) {
        ObjectNode base = original instanceof ObjectNode o ? o.deepCopy() : NODES.objectNode();
        return mergeMap(base, patch.deepCopy(), schema);
    }

    /** The schema of field {@code key} of an object of schema {@code schema}; null when unknown. */
    static Schema field(Schema schema, String key) {
        return schema == null ? null : schema.field(key);
    }

    /** Whether a list in {@code field} is merged (by its merge key, or as a set of primitives). */
    static boolean merges(Schema field) {
        return field != null && field.hasPatchStrategy("merge");
    }

    /** Whether an object in {@code field} is replaced whole. */
    static boolean replaces(Schema field) {
        return field != null && field.hasPatchStrategy("replace");
    }

    /** The merge key of a list in {@code field}; empty for none. */
    static String mergeKey(Schema field) {
        return field == null ? "" : field.patchMergeKey();
    }

    /** Merges {@code patch} into {@code original} (both owned copies, mutated; {@code schema} may be null). */
    static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Schema schema) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            String d = directive.isString() ? directive.stringValue() : String.valueOf(directive);
            switch (d) {
                case "replace" -> {
                    patch.remove(DIRECTIVE);
                    return patch;
                }
                case "delete" -> {
                    return NODES.objectNode();
                }
                case "merge" -> patch.remove(DIRECTIVE);
                default -> throw PatchErrors.malformed("unknown patch type: " + d + " in map: " + patch);
            }
        }
        if (original == null) {
            original = NODES.objectNode();
        }
        applyRetainKeys(original, patch);
        applySetElementOrder(original, patch, schema);

        for (String key : new ArrayList<>(patch.propertyNames())) {
            JsonNode patchV = patch.get(key);
            boolean deleteList = false;
            String k = key;
            if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
                k = extractKey(key, DELETE_PRIMITIVE_PREFIX);
                deleteList = true;
            }
            if (patchV.isNull()) {
                original.remove(k);
                continue;
            }
            JsonNode origV = original.get(k);
            Schema field = field(schema, k);
            if (deleteList) {
                if (!patchV.isArray()) {
                    throw PatchErrors.badRequest(PatchErrors.BAD_PRIMITIVE_LIST);
                }
                if (origV instanceof ArrayNode list) {
                    original.set(k, deleteFromList(list, (ArrayNode) patchV));
                }
                continue;
            }
            if (origV == null || origV.isNull()) {
                original.set(k, fresh(patchV, field));
                continue;
            }
            if (origV instanceof ObjectNode om && patchV instanceof ObjectNode pm) {
                original.set(k, replaces(field) ? pm : mergeMap(om, pm, field));
            } else if (origV instanceof ArrayNode ol && patchV instanceof ArrayNode pl) {
                original.set(k, merges(field) ? MergeLists.merge(ol, pl, field) : pl);
            } else {
                original.set(k, patchV);
            }
        }
        return original;
    }

    /** A patch value for a field the original lacks: directives applied and nulls dropped. */
    static JsonNode fresh(JsonNode patchV, Schema field) {
        if (patchV instanceof ObjectNode pm) {
            return replaces(field) ? pm : mergeMap(NODES.objectNode(), pm, field);
        }
        if (patchV instanceof ArrayNode pl && merges(field)) {
            return MergeLists.merge(NODES.arrayNode(), pl, field);
        }
        return patchV;
    }

    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw PatchErrors.badRequest(PatchErrors.BAD_RETAIN_KEYS);
        }
        Set<String> keep = new HashSet<>();
        retain.values().forEach(v -> keep.add(v.isString() ? v.stringValue() : v.toString()));
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String k = e.getKey();
            if (e.getValue().isNull() || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX)) {
                continue;
            }
            if (!keep.contains(k)) {
                throw PatchErrors.unprocessable("patch content doesn't match retainKeys list");
            }
        }
        for (String k : new ArrayList<>(original.propertyNames())) {
            if (!keep.contains(k)) {
                original.remove(k);
            }
        }
    }

    /** Processes each {@code $setElementOrder/<field>} with its list: merge, then order as the directive says. */
    private static void applySetElementOrder(ObjectNode original, ObjectNode patch, Schema schema) {
        for (String key : new ArrayList<>(patch.propertyNames())) {
            if (!key.startsWith(SET_ORDER_PREFIX)) {
                continue;
            }
            JsonNode order = patch.remove(key);
            String k = extractKey(key, SET_ORDER_PREFIX);
            if (!(order instanceof ArrayNode orderList)) {
                throw PatchErrors.badRequest(PatchErrors.BAD_SET_ORDER);
            }
            JsonNode origV = original.get(k);
            JsonNode patchV = patch.get(k);
            if (origV != null && !origV.isNull() && !origV.isArray()
                    || patchV != null && !patchV.isNull() && !patchV.isArray()) {
                throw PatchErrors.badRequest(PatchErrors.BAD_SET_ORDER);
            }
            ArrayNode origList = origV instanceof ArrayNode a ? a : null;
            ArrayNode patchList = patchV instanceof ArrayNode a ? a : null;
            if (origList == null && patchList == null) {
                continue;
            }
            Schema field = field(schema, k);
            String mergeKey = mergeKey(field);
            if (patchList != null) {
                MergeLists.validateOrder(patchList, orderList, mergeKey);
            }
            ArrayNode merged;
            if (patchList == null) {
                merged = origList;
            } else if (origList == null) {
                merged = (ArrayNode) fresh(patchList, field);
            } else {
                merged = merges(field) ? MergeLists.merge(origList, patchList, field) : patchList;
            }
            List<JsonNode> inOrder = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            Map<Object, Integer> ordered = MergeLists.positions(orderList, mergeKey);
            for (JsonNode item : merged) {
                (MergeLists.contains(ordered, item, mergeKey) ? inOrder : serverOnly).add(item);
            }
            List<JsonNode> serverOrder = origList == null ? List.of() : MergeLists.list(origList);
            original.set(k, MergeLists.normalize(inOrder, serverOnly, MergeLists.list(orderList), serverOrder,
                    mergeKey));
            patch.remove(k);
        }
    }

    private static ArrayNode deleteFromList(ArrayNode current, ArrayNode toDelete) {
        ArrayNode out = NODES.arrayNode();
        Map<Object, Integer> deleted = MergeLists.positions(toDelete, "");
        for (JsonNode v : current) {
            if (!MergeLists.contains(deleted, v, "")) {
                out.add(v);
            }
        }
        return out;
    }

    private static String extractKey(String key, String prefix) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw PatchErrors.badRequest(prefix.equals(SET_ORDER_PREFIX)
                    ? PatchErrors.BAD_SET_ORDER : PatchErrors.BAD_PRIMITIVE_LIST);
        }
        return key.substring(slash + 1);
    }

    static StatusError noMergeKey(JsonNode item, String mergeKey) {
        return PatchErrors.malformed("map: " + item + " does not contain declared merge key: " + mergeKey);
    }
}

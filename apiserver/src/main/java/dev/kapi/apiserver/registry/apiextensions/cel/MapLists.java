package dev.kapi.apiserver.registry.apiextensions.cel;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** Correlates the items of an {@code x-kubernetes-list-type: map} list by their map keys. */
final class MapLists {

    private MapLists() {
    }

    /** The item of {@code oldList} with the same key values as {@code item}, or null. */
    static JsonNode find(JsonNode oldList, JsonNode item, List<String> keys) {
        if (!item.isObject()) {
            return null;
        }
        for (JsonNode candidate : oldList.values()) {
            if (candidate.isObject() && sameKeys(candidate, item, keys)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean sameKeys(JsonNode a, JsonNode b, List<String> keys) {
        for (String k : keys) {
            JsonNode x = a.get(k);
            JsonNode y = b.get(k);
            if (x == null ? y != null : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }
}

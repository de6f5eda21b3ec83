package dev.kapi.apiserver.audit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code omitManagedFields}: a copy of a recorded object without {@code metadata.managedFields}, for an object,
 * a list's items and a Table's row objects alike (kube's {@code copyWithoutManagedFields}).
 */
final class ManagedFields {

    private ManagedFields() {
    }

    static JsonNode without(JsonNode tree) {
        if (!(tree instanceof ObjectNode)) {
            return tree;
        }
        ObjectNode copy = (ObjectNode) tree.deepCopy();
        strip(copy);
        for (JsonNode item : copy.path("items")) {
            strip(item);
        }
        for (JsonNode row : copy.path("rows")) {
            strip(row.path("object"));
        }
        return copy;
    }

    private static void strip(JsonNode obj) {
        if (obj.path("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
    }
}

package dev.kapi.apiserver.e2e;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reading {@code metadata.managedFields} of an object's JSON in the server-side apply tests. */
final class ManagedFields {

    private ManagedFields() {
    }

    /** The entries of {@code obj} (none when it has no managedFields). */
    static List<JsonNode> entries(JsonNode obj) {
        List<JsonNode> out = new ArrayList<>();
        obj.path("metadata").path("managedFields").forEach(out::add);
        return out;
    }

    /** The entry of {@code manager} with {@code operation} and {@code subresource} ("" = none), or null. */
    static JsonNode entry(JsonNode obj, String manager, String operation, String subresource) {
        for (JsonNode e : entries(obj)) {
            if (e.path("manager").asString("").equals(manager) && e.path("operation").asString("").equals(operation)
                    && e.path("subresource").asString("").equals(subresource)) {
                return e;
            }
        }
        return null;
    }

    /** The entry of {@code manager} with {@code operation} on the object itself (no subresource), or null. */
    static JsonNode entry(JsonNode obj, String manager, String operation) {
        return entry(obj, manager, operation, "");
    }

    /** {@code manager/operation[/subresource]} of each entry, in order. */
    static List<String> managers(JsonNode obj) {
        return entries(obj).stream().map(e -> e.path("manager").asString("") + "/" + e.path("operation").asString("")
                + (e.path("subresource").asString("").isEmpty() ? "" : "/" + e.path("subresource").asString()))
                .toList();
    }

    /** Whether the entry's fieldsV1 holds the path of keys ({@code "f:spec", "f:replicas"}). */
    static boolean owns(JsonNode entry, String... keys) {
        JsonNode n = entry == null ? null : entry.path("fieldsV1");
        for (String k : keys) {
            if (n == null || !n.has(k)) {
                return false;
            }
            n = n.get(k);
        }
        return n != null;
    }
}

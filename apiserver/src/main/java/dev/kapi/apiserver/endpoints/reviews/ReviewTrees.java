package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** Builds review responses as JSON trees, with kube's field presence (Go's omitempty) rather than fabric8's. */
final class ReviewTrees {

    private ReviewTrees() {
    }

    /** An object's tree with fresh status: everything the client sent but its status. */
    static ObjectNode echo(Object review) {
        ObjectNode tree = (ObjectNode) Json.tree(review);
        tree.remove("status");
        return tree;
    }

    /** A new, empty object (what a review answers with when it does not echo the request). */
    static ObjectNode empty() {
        return Json.MAPPER.createObjectNode();
    }

    /**
     * Sets apiVersion and kind first and makes sure metadata carries {@code creationTimestamp} (null when the
     * object was never stored, as kube-apiserver serializes a zero time).
     */
    static ObjectNode withTypeMeta(ResourceDefinition<?> def, ObjectNode obj) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("kind", def.kind());
        out.put("apiVersion", def.apiVersion());
        JsonNode meta = obj.get("metadata");
        ObjectNode metadata = meta instanceof ObjectNode m ? m : Json.MAPPER.createObjectNode();
        List<String> zero = metadata.properties().stream().filter(e -> isZero(e.getValue()))
                .map(Map.Entry::getKey).toList();
        metadata.remove(zero); // Go's omitempty (a protobuf body decodes with generation 0, for one)
        if (!metadata.has("creationTimestamp")) {
            metadata.putNull("creationTimestamp");
        }
        out.set("metadata", metadata);
        obj.properties().forEach(e -> {
            if (!e.getKey().equals("kind") && !e.getKey().equals("apiVersion") && !e.getKey().equals("metadata")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** Whether a value is Go's zero value: null, "", 0, false, or an empty list or object. */
    static boolean isZero(JsonNode n) {
        return n == null || n.isNull() || ((n.isArray() || n.isObject()) && n.isEmpty())
                || (n.isString() && n.asString().isEmpty()) || (n.isNumber() && n.asDouble() == 0)
                || (n.isBoolean() && !n.asBoolean());
    }

    /** Puts a string unless it is null or empty (omitempty). */
    static void putIfNotEmpty(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /** Puts a string list unless it is null or empty (omitempty). */
    static void putIfNotEmpty(ObjectNode node, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            strings(node.putArray(field), values);
        }
    }

    /** Puts a string list, {@code []} when empty (a Go slice without omitempty that the server made). */
    static void putAlways(ObjectNode node, String field, List<String> values) {
        strings(node.putArray(field), values == null ? List.of() : values);
    }

    /** Puts a map of string lists unless it is null or empty (omitempty). */
    static void putIfNotEmpty(ObjectNode node, String field, Map<String, List<String>> values) {
        if (values != null && !values.isEmpty()) {
            ObjectNode m = node.putObject(field);
            values.forEach((k, v) -> strings(m.putArray(k), v == null ? List.of() : v));
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}

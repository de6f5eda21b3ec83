package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Objects written from an OpenAPI v3 document alone: every property it lists, filled with a value of its
 * type (lists of one element, maps of one entry {@code k}), down every definition not already on the way
 * (a recursive type stops where it would repeat); strings are timestamps (with microseconds), which every
 * string field accepts, those that the decoder parses as times too. Free-form values ({@code x-kubernetes-preserve-unknown-fields}
 * without a type) are left out: no one value fits every Java type behind them. With {@code unknownFields},
 * every object whose fields are closed (properties, no additionalProperties, not preserved) also gets a field
 * {@value #UNKNOWN}, and the sample lists where, as unknown-field warnings name them.
 */
final class OpenApiSamples {

    static final String UNKNOWN = "zzUnknown";
    private static final String REF = "#/components/schemas/";

    private final JsonNode schemas;
    private final boolean unknownFields;
    private final List<String> unknownPaths = new ArrayList<>();
    private final Deque<String> onTheWay = new ArrayDeque<>();

    private OpenApiSamples(JsonNode schemas, boolean unknownFields) {
        this.schemas = schemas;
        this.unknownFields = unknownFields;
    }

    /** A sample object and the paths of the unknown fields put in it. */
    record Sample(ObjectNode object, List<String> unknownPaths) {
    }

    /** A sample of the definition {@code name} of a v3 document's {@code components.schemas}. */
    static Sample of(JsonNode schemas, String name, boolean unknownFields) {
        OpenApiSamples s = new OpenApiSamples(schemas, unknownFields);
        ObjectNode o = (ObjectNode) s.sample(Json.MAPPER.createObjectNode().put("$ref", REF + name), "");
        return new Sample(o, List.copyOf(s.unknownPaths));
    }

    /** The definition {@code $ref} names in {@code schemas} (v3 wraps a reference with a description in an allOf). */
    static String refName(JsonNode schema) {
        JsonNode all = schema.get("allOf");
        JsonNode ref = all != null && all.size() == 1 ? all.get(0).get("$ref") : schema.get("$ref");
        return ref == null ? null : ref.asString().substring(ref.asString().lastIndexOf('/') + 1);
    }

    private JsonNode sample(JsonNode schema, String path) {
        String ref = refName(schema);
        if (ref != null) {
            if (onTheWay.contains(ref)) {
                return null;
            }
            onTheWay.push(ref);
            JsonNode v = sample(schemas.get(ref), path);
            onTheWay.pop();
            return v;
        }
        if (schema.has("oneOf")) {
            return Json.MAPPER.getNodeFactory().numberNode(1); // int-or-string and quantities take a number
        }
        return switch (schema.path("type").asString("")) {
            case "object" -> object(schema, path);
            case "array" -> {
                ArrayNode a = Json.MAPPER.createArrayNode();
                JsonNode item = sample(schema.get("items"), path + "[0]");
                if (item != null) {
                    a.add(item);
                }
                yield a;
            }
            case "string" -> Json.MAPPER.getNodeFactory().stringNode(
                    "byte".equals(schema.path("format").asString("")) ? "aGk=" : "2024-01-02T03:04:05.000000Z");
            case "integer" -> Json.MAPPER.getNodeFactory().numberNode(1);
            case "number" -> Json.MAPPER.getNodeFactory().numberNode(1.5);
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(true);
            default -> null; // free-form
        };
    }

    private JsonNode object(JsonNode schema, String path) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (schema.has("additionalProperties")) {
            JsonNode v = sample(schema.get("additionalProperties"), path + ".k"); // a Go map's key: a step
            if (v != null) {
                o.set("k", v);
            }
            return o;
        }
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !schema.has("properties")) {
            return null;
        }
        for (var p : schema.path("properties").properties()) {
            JsonNode v = sample(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey());
            if (v != null) {
                o.set(p.getKey(), v);
            }
        }
        if (unknownFields && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            o.put(UNKNOWN, true);
            unknownPaths.add(path.isEmpty() ? UNKNOWN : path + "." + UNKNOWN);
        }
        return o;
    }
}

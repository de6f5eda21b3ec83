package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Turns a CRD version's openAPIV3Schema into our {@link Schema} (anonymous nodes), which drives OpenAPI,
 * server-side apply and unknown-field handling: type, format, description, default, nullable, properties,
 * required, items, additionalProperties, preserve-unknown-fields, int-or-string (as the built-in IntOrString:
 * oneOf integer and string), embedded resources, list type and map keys, and map type. Value validations
 * (allOf/anyOf/oneOf/not, bounds, patterns) stay with {@link CustomResourceValidator}. apiVersion, kind and
 * metadata at the root are the caller's to add.
 */
public final class CustomSchemas {

    private static final Schema ANY = SchemaBuilder.node().preserveUnknownFields().build();

    private CustomSchemas() {
    }

    /** The schema of {@code openAPIV3Schema}; a missing or non-object schema gives a node that preserves all. */
    public static Schema toSchema(JsonNode openAPIV3Schema) {
        Node n = Node.of(openAPIV3Schema);
        if (n == null) {
            return ANY;
        }
        try {
            return build(n);
        } catch (StackOverflowError e) {
            return ANY;
        }
    }

    static Schema build(Node n) {
        SchemaBuilder b = SchemaBuilder.node();
        if (n.intOrString) {
            b.oneOf("integer", "string").intOrString();
        } else if (!n.type.isEmpty()) {
            b.type(n.type);
        }
        if (!n.format.isEmpty()) {
            b.format(n.format);
        }
        if (!n.description.isEmpty()) {
            b.description(n.description);
        }
        if (n.defaultValue != null) {
            b.defaultValue(n.defaultValue.deepCopy());
        }
        if (n.nullable) {
            b.nullable();
        }
        if (n.published != null) {
            b.valueChecks(n.published);
        }
        for (Map.Entry<String, Node> p : n.properties.entrySet()) {
            b.property(p.getKey(), build(p.getValue()));
        }
        if (!n.required.isEmpty()) {
            b.required(n.required.toArray(String[]::new));
        }
        if (n.items != null) {
            b.items(build(n.items));
        }
        if (n.additionalProperties != null) {
            b.additionalProperties(build(n.additionalProperties));
        } else if (Boolean.TRUE.equals(n.additionalPropertiesAllowed)) {
            b.additionalProperties(ANY);
        }
        if (n.preserveUnknownFields) {
            b.preserveUnknownFields();
        }
        if (n.embeddedResource) {
            b.embeddedResource();
        }
        if (!n.listType.isEmpty()) {
            b.listType(n.listType);
        }
        if (!n.listMapKeys.isEmpty()) {
            b.listMapKeys(n.listMapKeys);
        }
        if (!n.mapType.isEmpty()) {
            b.mapType(n.mapType);
        }
        return b.build();
    }
}

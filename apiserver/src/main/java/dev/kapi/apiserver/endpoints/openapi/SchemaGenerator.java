package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes structural {@link Schema}s as OpenAPI 3.0 schemas: a definition once under
 * {@code #/components/schemas/<name>} and a {@code $ref} to it wherever it is used (so every reference
 * resolves), anonymous nodes inline: type, format, {@code oneOf} for values of several types (IntOrString,
 * Quantity), properties in the schema's order, additionalProperties, items, required, and the
 * {@code x-kubernetes-*} extensions of preserved, int-or-string and embedded values and list and map types.
 * Built-in types get kube's descriptions of the type and its fields and kube's required fields
 * ({@link KubeDocs}); a reference with attributes beside it (a field's description) is written as kube
 * writes it, {@code allOf: [{$ref}]} with the attributes next to the {@code allOf}.
 * Patch strategies are not written here: the v3 documents leave them out (see {@link ResourcePaths}) and
 * the v2 form adds them ({@link SwaggerSchemas}). One generator collects the schemas of one document; it
 * is not thread-safe.
 */
final class SchemaGenerator {

    static final String REF_PREFIX = "#/components/schemas/";

    private final SortedMap<String, ObjectNode> schemas = new TreeMap<>();
    private final Map<String, Schema> definitions = new HashMap<>();

    /** The schemas written so far, by name. */
    SortedMap<String, ObjectNode> schemas() {
        return schemas;
    }

    /** The definition written under {@code name}, or null. */
    Schema schemaOf(String name) {
        return definitions.get(name);
    }

    /** {@code schema} where a schema is used: a {@code $ref} for a definition or a reference, else inline. */
    ObjectNode ref(Schema schema) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        Schema definition = schema.definition();
        if (definition == null) {
            write(n, schema, null);
            return n;
        }
        n.put("$ref", REF_PREFIX + define(definition));
        if (definition != schema) {
            useSite(n, schema);
        }
        return wrapped(n);
    }

    /**
     * {@code property} (where field {@code name} of a type uses its schema) with kube's description of the
     * field, when it has none of its own.
     */
    private static ObjectNode documented(ObjectNode property, KubeDocs.TypeDoc doc, String name) {
        KubeDocs.FieldDoc field = doc == null ? null : doc.fields().get(name);
        if (field == null || field.description().isEmpty() || property.has("description")) {
            return property;
        }
        ObjectNode n = property.has("$ref") ? wrap(property) : property;
        n.put("description", field.description());
        return n;
    }

    /**
     * A {@code $ref} with attributes beside it, as kube writes it in OpenAPI 3 (where a {@code $ref}'s
     * siblings are ignored): the reference alone in an {@code allOf}, the attributes next to that.
     */
    private static ObjectNode wrapped(ObjectNode ref) {
        return ref.size() == 1 ? ref : wrap(ref);
    }

    private static ObjectNode wrap(ObjectNode ref) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putArray("allOf").addObject().set("$ref", ref.get("$ref"));
        ref.properties().forEach(e -> {
            if (!e.getKey().equals("$ref")) {
                n.set(e.getKey(), e.getValue());
            }
        });
        return n;
    }

    /** Writes the definition {@code definition} if not done yet and returns its name. */
    String define(Schema definition) {
        String name = definition.name();
        Schema known = definitions.putIfAbsent(name, definition);
        if (known == null) {
            ObjectNode schema = Json.MAPPER.createObjectNode();
            schemas.put(name, schema);
            write(schema, definition, KubeDocs.forDefinition(name));
        } else if (known != definition) {
            throw new IllegalStateException("two definitions named " + name);
        }
        return name;
    }

    /** Adds {@code x-kubernetes-group-version-kind} to the schema of {@code definition}. */
    void addGroupVersionKind(Schema definition, String group, String version, String kind) {
        ObjectNode schema = schemas.get(define(definition));
        ArrayNode list = schema.get("x-kubernetes-group-version-kind") instanceof ArrayNode a ? a
                : schema.putArray("x-kubernetes-group-version-kind");
        for (JsonNode e : list) {
            if (e.get("group").asString().equals(group) && e.get("version").asString().equals(version)
                    && e.get("kind").asString().equals(kind)) {
                return;
            }
        }
        ObjectNode gvk = list.addObject();
        gvk.put("group", group);
        gvk.put("version", version);
        gvk.put("kind", kind);
    }

    /** Writes {@code s} into {@code n}, with kube's documentation {@code doc} of its type where it has none. */
    private void write(ObjectNode n, Schema s, KubeDocs.TypeDoc doc) {
        if (!s.description().isEmpty()) {
            n.put("description", s.description());
        } else if (doc != null && !doc.description().isEmpty()) {
            n.put("description", doc.description());
        }
        if (!s.type().isEmpty()) {
            n.put("type", s.type());
        }
        if (!s.format().isEmpty()) {
            n.put("format", s.format());
        }
        boolean customIntOrString = s.intOrString() && s.name().isEmpty(); // a CRD's: kube publishes the extension
        if (!s.oneOf().isEmpty() && !customIntOrString) {
            ArrayNode one = n.putArray("oneOf");
            s.oneOf().forEach(t -> one.addObject().put("type", t));
        }
        if (!s.properties().isEmpty()) {
            ObjectNode props = n.putObject("properties");
            s.properties().forEach((name, p) -> props.set(name, documented(ref(p), doc, name)));
        }
        if (s.additionalProperties() != null) {
            n.set("additionalProperties", ref(s.additionalProperties()));
        }
        if (s.items() != null) {
            n.set("items", ref(s.items()));
        }
        List<String> required = new ArrayList<>(s.required());
        if (doc != null) {
            doc.required().stream().filter(r -> !required.contains(r) && s.properties().containsKey(r))
                    .forEach(required::add);
        }
        if (!required.isEmpty()) {
            ArrayNode list = n.putArray("required");
            required.forEach(list::add);
        }
        if (s.nullable()) {
            n.put("nullable", true);
        }
        if (s.valueChecks() != null) {
            s.valueChecks().properties().forEach(e -> n.set(e.getKey(), e.getValue().deepCopy()));
        }
        if (s.defaultValue() != null) {
            n.set("default", s.defaultValue().deepCopy());
        }
        if (s.preserveUnknownFields()) {
            n.put("x-kubernetes-preserve-unknown-fields", true);
        }
        if (s.intOrString() && (s.oneOf().isEmpty() || customIntOrString)) {
            n.put("x-kubernetes-int-or-string", true); // kube-openapi spells built-in int-or-string as oneOf
        }
        if (s.embeddedResource()) {
            n.put("x-kubernetes-embedded-resource", true);
        }
        listAndMapTypes(n, s);
    }

    /** The attributes a reference carries beside its {@code $ref}. */
    private static void useSite(ObjectNode n, Schema s) {
        if (!s.description().isEmpty()) {
            n.put("description", s.description());
        }
        if (s.defaultValue() != null) {
            n.set("default", s.defaultValue().deepCopy());
        }
        listAndMapTypes(n, s);
    }

    private static void listAndMapTypes(ObjectNode n, Schema s) {
        if (!s.listType().isEmpty()) {
            n.put("x-kubernetes-list-type", s.listType());
        }
        if (!s.listMapKeys().isEmpty()) {
            ArrayNode keys = n.putArray("x-kubernetes-list-map-keys");
            s.listMapKeys().forEach(keys::add);
        }
        if (!s.mapType().isEmpty()) {
            n.put("x-kubernetes-map-type", s.mapType());
        }
    }
}

package dev.kapi.apiserver.api.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Schema} nodes. Anonymous nodes: {@code SchemaBuilder.node().type("array").items(x).build()}.
 * Definitions, which may reach themselves: {@link #declare} the named node first (so fields can refer to
 * it), then {@link #define} it once with its structure. References (a definition used with a patch
 * strategy, description or default of its own): {@link #reference}, which takes no structure.
 */
public final class SchemaBuilder {

    private final Schema target;
    private final Schema definition;
    private final Map<String, Schema> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    private SchemaBuilder(Schema target, Schema definition) {
        this.target = target;
        this.definition = definition;
    }

    /** A builder of an anonymous node. */
    public static SchemaBuilder node() {
        return new SchemaBuilder(new Schema(), null);
    }

    /** A builder of a reference to {@code definition}, for use-site attributes only. */
    public static SchemaBuilder reference(Schema definition) {
        if (definition == null || definition.name.isEmpty()) {
            throw new IllegalArgumentException("a reference needs a definition");
        }
        return new SchemaBuilder(new Schema(), definition);
    }

    /** A builder of an anonymous node with the structure and attributes of {@code anonymous}, to change some. */
    public static SchemaBuilder copyOf(Schema anonymous) {
        if (anonymous.definition() != null) {
            throw new IllegalArgumentException("copy a definition by reference: " + anonymous);
        }
        SchemaBuilder b = node().type(anonymous.type).format(anonymous.format).description(anonymous.description)
                .defaultValue(anonymous.defaultValue).items(anonymous.items)
                .additionalProperties(anonymous.additionalProperties).listType(anonymous.listType)
                .listMapKeys(anonymous.listMapKeys).mapType(anonymous.mapType).patchStrategy(anonymous.patchStrategy)
                .patchMergeKey(anonymous.patchMergeKey);
        b.target.oneOf = anonymous.oneOf;
        b.target.nullable = anonymous.nullable;
        b.target.preserveUnknownFields = anonymous.preserveUnknownFields;
        b.target.intOrString = anonymous.intOrString;
        b.target.embeddedResource = anonymous.embeddedResource;
        b.target.valueChecks = anonymous.valueChecks;
        b.properties.putAll(anonymous.properties);
        b.required.addAll(anonymous.required);
        return b;
    }

    /** A named definition without structure yet: refer to it freely, then {@link #define} it. */
    public static Schema declare(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a definition needs a name");
        }
        Schema s = new Schema();
        s.name = name;
        return s;
    }

    private SchemaBuilder structural() {
        if (definition != null) {
            throw new IllegalStateException("a reference takes its structure from " + definition.name);
        }
        return this;
    }

    public SchemaBuilder type(String type) {
        structural().target.type = type;
        return this;
    }

    public SchemaBuilder format(String format) {
        structural().target.format = format;
        return this;
    }

    public SchemaBuilder oneOf(String... types) {
        structural().target.oneOf = List.of(types);
        return this;
    }

    public SchemaBuilder description(String description) {
        target.description = description;
        return this;
    }

    public SchemaBuilder defaultValue(JsonNode value) {
        target.defaultValue = value;
        return this;
    }

    public SchemaBuilder nullable() {
        target.nullable = true;
        return this;
    }

    /** Adds a known field; properties keep the order they are added in. */
    public SchemaBuilder property(String name, Schema schema) {
        structural().properties.put(name, schema);
        return this;
    }

    public SchemaBuilder required(String... names) {
        structural().required.addAll(List.of(names));
        return this;
    }

    public SchemaBuilder items(Schema items) {
        structural().target.items = items;
        return this;
    }

    public SchemaBuilder additionalProperties(Schema values) {
        structural().target.additionalProperties = values;
        return this;
    }

    public SchemaBuilder preserveUnknownFields() {
        structural().target.preserveUnknownFields = true;
        return this;
    }

    /** The value checks OpenAPI publishes as they are ({@code enum}, {@code pattern}, bounds, ...). */
    public SchemaBuilder valueChecks(ObjectNode checks) {
        structural().target.valueChecks = checks;
        return this;
    }

    public SchemaBuilder intOrString() {
        structural().target.intOrString = true;
        return this;
    }

    public SchemaBuilder embeddedResource() {
        structural().target.embeddedResource = true;
        return this;
    }

    public SchemaBuilder listType(String listType) {
        target.listType = listType;
        return this;
    }

    public SchemaBuilder listMapKeys(List<String> keys) {
        target.listMapKeys = List.copyOf(keys);
        return this;
    }

    public SchemaBuilder mapType(String mapType) {
        target.mapType = mapType;
        return this;
    }

    public SchemaBuilder patchStrategy(String strategy) {
        target.patchStrategy = strategy;
        return this;
    }

    public SchemaBuilder patchMergeKey(String key) {
        target.patchMergeKey = key;
        return this;
    }

    /** The anonymous node or reference built. */
    public Schema build() {
        return fill(target);
    }

    /** Gives the {@link #declare declared} definition {@code declared} this builder's structure; once only. */
    public void define(Schema declared) {
        if (definition != null || declared.name.isEmpty() || declared.definition != null) {
            throw new IllegalArgumentException("only a declared definition can be defined: " + declared);
        }
        if (declared.defined) {
            throw new IllegalStateException("definition " + declared.name + " is defined already");
        }
        declared.defined = true;
        Schema t = target;
        declared.type = t.type;
        declared.format = t.format;
        declared.oneOf = t.oneOf;
        declared.description = t.description;
        declared.defaultValue = t.defaultValue;
        declared.nullable = t.nullable;
        declared.items = t.items;
        declared.additionalProperties = t.additionalProperties;
        declared.preserveUnknownFields = t.preserveUnknownFields;
        declared.intOrString = t.intOrString;
        declared.embeddedResource = t.embeddedResource;
        declared.listType = t.listType;
        declared.listMapKeys = t.listMapKeys;
        declared.mapType = t.mapType;
        declared.patchStrategy = t.patchStrategy;
        declared.patchMergeKey = t.patchMergeKey;
        fill(declared);
    }

    private Schema fill(Schema s) {
        s.definition = definition;
        s.properties = properties.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        s.required = List.copyOf(required);
        return s;
    }
}

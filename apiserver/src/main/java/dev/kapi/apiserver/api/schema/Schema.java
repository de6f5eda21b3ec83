package dev.kapi.apiserver.api.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * One node of a structural schema: what a JSON value may be, in the words of kube's apiextensions
 * structural schemas and OpenAPI. Build nodes with {@link SchemaBuilder}.
 *
 * <p>The contract every reader relies on:
 * <ul>
 *   <li>A node is an object ({@link #type()} {@code "object"}) whose known fields are exactly the keys of
 *       {@link #properties()}, or a map (an object with {@link #additionalProperties()}: any key, values of
 *       that schema); an array ({@link #items()}); a scalar ({@code string}, {@code integer}, {@code number},
 *       {@code boolean}, refined by {@link #format()}); a value of several types ({@link #oneOf()}, as
 *       int-or-string and quantities); or anything ({@link #preserveUnknownFields()} and no type).</li>
 *   <li>A key of an object that is neither a property nor covered by additionalProperties is an unknown
 *       field, unless the node preserves unknown fields.</li>
 *   <li>List and map semantics ({@link #listType()}, {@link #listMapKeys()}, {@link #mapType()}) and the
 *       strategic-merge-patch strategy and merge key sit on the node of the field they govern: the array
 *       node of a merged list, the object node of a field replaced as a whole.</li>
 *   <li>A <em>definition</em> is a named node ({@link #name()}, kube's OpenAPI name such as
 *       {@code io.k8s.api.core.v1.PodSpec}) that OpenAPI writes once and refers to with {@code $ref}. A field
 *       whose value is a definition but which carries its own patch strategy, list or map semantics,
 *       description or default is a <em>reference</em>: {@link #definition()} is the definition, whose
 *       structure (type, format, oneOf, properties, required, items, additionalProperties and the
 *       preserve-unknown-fields, int-or-string and embedded-resource flags) it answers with; the rest is
 *       its own. Nodes built from a CRD's openAPIV3Schema are anonymous: no name, no definition.</li>
 *   <li>Nodes are immutable once their source hands them out; graphs may be cyclic (a definition may reach
 *       itself), so walk them along data, not exhaustively, and compare nodes by identity.</li>
 * </ul>
 * Strings are empty (never null) when unset, lists and maps empty; {@link #items()},
 * {@link #additionalProperties()}, {@link #definition()} and {@link #defaultValue()} may be null.
 */
public final class Schema {

    String name = "";
    Schema definition;
    String type = "";
    String format = "";
    List<String> oneOf = List.of();
    String description = "";
    JsonNode defaultValue;
    boolean nullable;
    Map<String, Schema> properties = Map.of();
    List<String> required = List.of();
    Schema items;
    Schema additionalProperties;
    boolean preserveUnknownFields;
    boolean intOrString;
    boolean embeddedResource;
    String listType = "";
    List<String> listMapKeys = List.of();
    String mapType = "";
    String patchStrategy = "";
    String patchMergeKey = "";
    ObjectNode valueChecks;
    /** Whether a declared definition has been given its structure (see {@link SchemaBuilder#define}). */
    boolean defined;

    Schema() {
    }

    /** The structure this node answers with: its definition's for a reference, else its own. */
    private Schema structure() {
        return definition != null ? definition : this;
    }

    /** kube's OpenAPI name of a definition ({@code io.k8s.api.core.v1.PodSpec}); empty for other nodes. */
    public String name() {
        return name;
    }

    /** The definition written as a {@code $ref} for this node: itself, a reference's target, else null. */
    public Schema definition() {
        return definition != null ? definition : name.isEmpty() ? null : this;
    }

    /** {@code object}, {@code array}, {@code string}, {@code integer}, {@code number}, {@code boolean}, or empty. */
    public String type() {
        return structure().type;
    }

    /** OpenAPI's format: {@code int32}, {@code int64}, {@code double}, {@code byte}, {@code date-time}, ... */
    public String format() {
        return structure().format;
    }

    /** The types a value may have when it may have several ({@code [integer, string]} for int-or-string). */
    public List<String> oneOf() {
        return structure().oneOf;
    }

    public String description() {
        return description;
    }

    /** The value the field takes when absent, or null. */
    public JsonNode defaultValue() {
        return defaultValue;
    }

    public boolean nullable() {
        return nullable;
    }

    /** The known fields of an object, in the order OpenAPI lists them. */
    public Map<String, Schema> properties() {
        return structure().properties;
    }

    public List<String> required() {
        return structure().required;
    }

    /** The schema of an array's elements, or null. */
    public Schema items() {
        return structure().items;
    }

    /** The schema of a map's values, or null when the object is not a map. */
    public Schema additionalProperties() {
        return structure().additionalProperties;
    }

    /** {@code x-kubernetes-preserve-unknown-fields}: keys that are not properties are kept, not unknown. */
    public boolean preserveUnknownFields() {
        return structure().preserveUnknownFields;
    }

    /** {@code x-kubernetes-int-or-string}. */
    public boolean intOrString() {
        return structure().intOrString;
    }

    /** {@code x-kubernetes-embedded-resource}: an object with its own apiVersion, kind and metadata. */
    public boolean embeddedResource() {
        return structure().embeddedResource;
    }

    /** {@code x-kubernetes-list-type}: {@code atomic}, {@code set}, {@code map}, or empty. */
    public String listType() {
        return listType;
    }

    /** {@code x-kubernetes-list-map-keys} of a list of type {@code map}. */
    public List<String> listMapKeys() {
        return listMapKeys;
    }

    /** {@code x-kubernetes-map-type}: {@code atomic}, {@code granular}, or empty. */
    public String mapType() {
        return mapType;
    }

    /**
     * The value checks OpenAPI publishes for the node as they were written (a CRD's {@code enum},
     * {@code pattern}, bounds, lengths, item and property counts), or null. Only OpenAPI reads them: a CRD's
     * validation runs on its own schema.
     */
    public ObjectNode valueChecks() {
        return structure().valueChecks;
    }

    /** {@code x-kubernetes-patch-strategy}, comma separated: {@code merge}, {@code replace}, {@code retainKeys}. */
    public String patchStrategy() {
        return patchStrategy;
    }

    /** {@code x-kubernetes-patch-merge-key}: the field that identifies an element of a merged list. */
    public String patchMergeKey() {
        return patchMergeKey;
    }

    /** Whether the patch strategy lists {@code strategy}. */
    public boolean hasPatchStrategy(String strategy) {
        if (patchStrategy.isEmpty()) {
            return false;
        }
        for (String s : patchStrategy.split(",")) {
            if (s.equals(strategy)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The schema of the value under {@code key} in an object of this schema: its property, else the map's
     * value schema, else null (an unknown field, or any value where unknown fields are preserved).
     */
    public Schema field(String key) {
        Schema s = structure();
        Schema p = s.properties.get(key);
        return p != null ? p : s.additionalProperties;
    }

    @Override
    public String toString() {
        Schema d = definition();
        if (d != null) {
            return d.name;
        }
        return type.isEmpty() ? (preserveUnknownFields ? "any" : "unknown") : type;
    }
}

package dev.kapi.apiserver.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper every stage uses for Kubernetes objects (fabric8 model types, Jackson 3).
 * Unknown fields are kept in the objects' {@code additionalProperties} (so field validation can find
 * them), never fail decoding by themselves. The built-in types are written in the shape Go writes kube's structs,
 * zero structs and null times included ({@link GoZeroValues}).
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule("go-zero-values").setSerializerModifier(new GoZeroValues()))
            .build();

    /** {@link #MAPPER}, except that {@code metadata.managedFields} are skipped unread. */
    private static final JsonMapper WITHOUT_MANAGED_FIELDS = MAPPER.rebuild()
            .addMixIn(ObjectMeta.class, SkipManagedFields.class).build();

    @JsonIgnoreProperties("managedFields")
    private abstract static class SkipManagedFields {
    }

    /** {@link #MAPPER}, except that quantities come out in kube's canonical form ({@link Quantities#canonical}). */
    private static final JsonMapper CANONICAL_QUANTITIES = MAPPER.rebuild()
            .addMixIn(Quantity.class, CanonicalQuantity.class).build();

    /** A mix-in: the model's own {@code @JsonDeserialize} on Quantity would win over a module's deserializer. */
    @JsonDeserialize(using = CanonicalQuantityDeserializer.class)
    private abstract static class CanonicalQuantity {
    }

    /** A quantity string or number in kube's canonical form; any other shape as the model reads it. */
    static final class CanonicalQuantityDeserializer extends ValueDeserializer<Quantity> {
        private final Quantity.Deserializer model = new Quantity.Deserializer();

        @Override
        public Quantity deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                return new Quantity(Quantities.canonical(p.getString().strip()));
            }
            return model.deserialize(p, ctxt);
        }
    }

    private Json() {
    }

    public static byte[] bytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String string(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * Whether {@code a} and {@code b} are written as the same JSON: an object built in memory compares equal to
     * the same object read back, although a field Go leaves out when zero ({@code omitempty}) reads back unset.
     * An empty list equals none, as kube's semantic equality takes a nil and an empty slice as equal (a null
     * struct and an empty one stay different, as a nil pointer and a zero struct do).
     */
    public static boolean sameJson(Object a, Object b) {
        if (a == b) {
            return true;
        }
        JsonNode x = a == null ? null : tree(a);
        JsonNode y = b == null ? null : tree(b);
        return noList(x) && noList(y) || x != null && x.equals(y);
    }

    private static boolean noList(JsonNode n) {
        return n == null || n.isNull() || n.isArray() && n.isEmpty();
    }

    public static ObjectNode object(byte[] json) {
        JsonNode n = MAPPER.readTree(json);
        if (!(n instanceof ObjectNode o)) {
            throw StatusError.badRequest("the request body must be a JSON object");
        }
        return o;
    }

    public static <T> T convert(JsonNode tree, Class<T> type) {
        return MAPPER.treeToValue(tree, type);
    }

    /**
     * As {@link #convert}, with every quantity in kube's canonical form, as kube's decoding of a built-in object
     * leaves it (e.g. an object a mutating webhook's patch produced: {@code 0.5} becomes {@code 500m}).
     */
    public static <T> T convertCanonical(JsonNode tree, Class<T> type) {
        return CANONICAL_QUANTITIES.treeToValue(tree, type);
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    /**
     * As {@link #read}, leaving {@code metadata.managedFields} out (an empty list), for a reader that drops them:
     * as nested maps of field paths they are often the larger part of an object and of the time to decode it.
     */
    public static <T> T readWithoutManagedFields(byte[] json, Class<T> type) {
        return WITHOUT_MANAGED_FIELDS.readValue(json, type);
    }
}

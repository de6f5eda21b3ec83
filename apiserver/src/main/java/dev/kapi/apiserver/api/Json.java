package dev.kapi.apiserver.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper every stage uses for Kubernetes objects (fabric8 model types, Jackson 3).
 * Unknown fields are kept in the objects' {@code additionalProperties} (so field validation can find
 * them), never fail decoding by themselves.
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** {@link #MAPPER}, except that {@code metadata.managedFields} are skipped unread. */
    private static final JsonMapper WITHOUT_MANAGED_FIELDS = MAPPER.rebuild()
            .addMixIn(ObjectMeta.class, SkipManagedFields.class).build();

    @JsonIgnoreProperties("managedFields")
    private abstract static class SkipManagedFields {
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

package dev.kapi.apiserver.testing;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON of an object as the fabric8 model writes it, without the zero structs and null times that
 * {@link dev.kapi.apiserver.api.Json#MAPPER} adds as Go does: for tests about something else (what a decoder read,
 * what a plugin changed) than the shape of Go's zero values.
 */
public final class PlainJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private PlainJson() {
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static String string(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}

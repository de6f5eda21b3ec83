package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** Test JSON written with single quotes and bare keys: {@code J.json("{type: 'object'}")}. */
final class J {

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES)
            .build();

    private J() {
    }

    static JsonNode json(String text) {
        return LENIENT.readTree(text);
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    static List<String> lines(List<FieldError> errors) {
        return errors.stream().map(FieldError::toString).toList();
    }
}

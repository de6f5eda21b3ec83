package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.kapi.apiserver.api.FieldError;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** YAML-written schemas and objects for the CEL tests. */
final class CelFixtures {

    private static final YAMLMapper YAML = new YAMLMapper();

    private CelFixtures() {
    }

    static JsonNode yaml(String text) {
        return YAML.readTree(text);
    }

    /** A root object schema with one property {@code spec} of the given schema (YAML, indented 0). */
    static JsonNode specSchema(String spec) {
        return yaml("type: object\nproperties:\n  spec:\n" + spec.indent(4));
    }

    static CelValidation compile(JsonNode schema) {
        return CelValidation.compile(schema, "spec.validation.openAPIV3Schema");
    }

    static List<String> lines(List<FieldError> errors) {
        return errors.stream().map(FieldError::toString).toList();
    }
}

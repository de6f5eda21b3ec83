package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates custom objects against one CRD version's openAPIV3Schema, as kube-apiserver's custom resource
 * strategy does: the OpenAPI schema validator (types, nullable, required, enum, pattern, formats, bounds,
 * lengths, item and property counts, allOf/anyOf/oneOf/not, int-or-string), then embedded resources' apiVersion
 * and kind, then list-type set and map uniqueness. Messages and field paths are kube's, e.g.
 * {@code spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10}.
 * Build once per CRD version; {@link #validate} is thread-safe, never throws, and reports malformed values
 * as field errors. {@code x-kubernetes-validations} (CEL) is not evaluated here.
 */
public final class CustomResourceValidator {

    private final Node root;

    /** A validator of {@code openAPIV3Schema}; a missing or non-object schema accepts everything. */
    public CustomResourceValidator(JsonNode openAPIV3Schema) {
        this.root = Node.of(openAPIV3Schema);
    }

    /** The field errors of {@code object}, in kube's order; empty when it is valid. */
    public List<FieldError> validate(JsonNode object) {
        return validate(object, null);
    }

    /**
     * The field errors of {@code value} under the field path {@code prefix} (null: kube's nil root path, which
     * errors at the root print as {@code <nil>}); names in the messages are relative to the value.
     */
    List<FieldError> validate(JsonNode value, String prefix) {
        if (root == null) {
            return List.of();
        }
        try {
            List<FieldError> out = new ArrayList<>(Issue.toFieldErrors(prefix, ValueValidator.validate(root, value, "")));
            String base = prefix == null ? "" : prefix;
            ListAndEmbedded.embedded(root, value, base, out);
            ListAndEmbedded.lists(root, value, base, out);
            return out;
        } catch (RuntimeException | StackOverflowError e) {
            return List.of(FieldError.invalid(prefix == null ? "<nil>" : prefix, "",
                    "the object could not be validated: " + e.getClass().getSimpleName()));
        }
    }
}

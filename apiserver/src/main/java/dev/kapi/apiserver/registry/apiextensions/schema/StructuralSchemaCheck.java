package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Validates a CRD version's openAPIV3Schema when the CRD is written, with kube-apiserver's field paths and
 * messages (apiextensions {@code validateCustomResourceDefinitionValidation} for a new v1 CRD): nullable at
 * the root, the structural invariants (sorted, as kube sorts them) or else the defaults' validity and
 * pruning, then the OpenAPI keyword rules, e.g.
 * {@code spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for
 * specified object fields}. {@code x-kubernetes-validations} rules are accepted here and checked elsewhere.
 */
public final class StructuralSchemaCheck {

    private StructuralSchemaCheck() {
    }

    /**
     * The errors of {@code openAPIV3Schema} at {@code fieldPath} (e.g.
     * {@code spec.versions[0].schema.openAPIV3Schema}); empty when kube would accept it. Never throws.
     */
    public static List<FieldError> check(JsonNode openAPIV3Schema, String fieldPath) {
        List<FieldError> out = new ArrayList<>();
        if (openAPIV3Schema == null || openAPIV3Schema.isNull() || openAPIV3Schema.isMissingNode()) {
            return out;
        }
        if (!openAPIV3Schema.isObject()) {
            out.add(FieldError.invalid(fieldPath, GoText.badValue(openAPIV3Schema), "must be an object"));
            return out;
        }
        try {
            if (Raw.isTrue(openAPIV3Schema, "nullable")) {
                out.add(FieldError.forbidden(Raw.child(fieldPath, "nullable"), "nullable cannot be true at the root"));
            }
            String unsupported = Completeness.unsupported(openAPIV3Schema);
            if (unsupported == null) {
                List<FieldError> structural = new ArrayList<>();
                StructuralRules.invariants(openAPIV3Schema, StructuralRules.Level.ROOT, fieldPath, structural);
                Completeness.check(openAPIV3Schema, fieldPath, structural);
                structural.sort(Comparator.comparing(FieldError::toString));
                out.addAll(structural);
                if (structural.isEmpty()) {
                    DefaultRules.check(openAPIV3Schema, fieldPath, out);
                }
            }
            OpenApiRules.check(openAPIV3Schema, fieldPath, out);
            if (out.isEmpty() && unsupported != null) {
                out.add(FieldError.invalid(fieldPath, "", unsupported));
            }
        } catch (RuntimeException | StackOverflowError e) {
            out.add(FieldError.invalid(fieldPath, "", "the schema could not be checked: " + e.getClass().getSimpleName()));
        }
        return out;
    }
}

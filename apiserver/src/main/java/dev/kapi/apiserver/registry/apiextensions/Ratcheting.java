package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's validation ratcheting (CRDValidationRatcheting), conservatively: on an update, a schema error about
 * a value the update did not change is dropped, so an object stored before its CRD's schema got stricter can
 * still be updated elsewhere. A value error counts as unchanged when its field holds the same value in the old
 * and the new object; a Required error when the object that lacks the field is unchanged. Errors inside lists
 * (kube correlates list items by their keys, which these paths do not say) and CEL rule errors are kept, so
 * Kapi refuses where kube might not, never the reverse.
 */
final class Ratcheting {

    private Ratcheting() {
    }

    /** {@code errors} of {@code object} without those about what {@code old} already had. */
    static List<FieldError> unchanged(List<FieldError> errors, JsonNode object, JsonNode old) {
        if (old == null || errors.isEmpty()) {
            return errors;
        }
        List<FieldError> kept = new ArrayList<>(errors.size());
        for (FieldError e : errors) {
            if (!isUnchanged(e, object, old)) {
                kept.add(e);
            }
        }
        return kept;
    }

    private static boolean isUnchanged(FieldError e, JsonNode object, JsonNode old) {
        String field = e.field();
        if (field == null || field.isEmpty() || field.contains("[") || field.startsWith("<")) {
            return false;
        }
        String[] steps = field.split("\\.");
        int depth = e.type() == FieldError.Type.REQUIRED ? steps.length - 1 : steps.length;
        JsonNode now = at(object, steps, depth);
        JsonNode before = at(old, steps, depth);
        return now != null && now.equals(before);
    }

    private static JsonNode at(JsonNode root, String[] steps, int depth) {
        JsonNode n = root;
        for (int i = 0; i < depth; i++) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(steps[i]);
        }
        return n;
    }
}

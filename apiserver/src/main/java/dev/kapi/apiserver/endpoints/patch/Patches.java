package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.JsonDepth;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.schema.Schema;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.List;

/**
 * Applies a PATCH body to the current object's JSON, as kube-apiserver's patch handler does before
 * decoding, defaulting and validating the result: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
 * strategic merge patch (patch strategies and merge keys from the object's {@link Schema}). Pure: no storage, no
 * HTTP; the original tree is never modified.
 */
public final class Patches {

    /** kube-apiserver's {@code maxJSONPatchOperations}. */
    public static final int MAX_JSON_PATCH_OPERATIONS = 10000;

    private static final EnumSet<CompatibilityFlags> JSON_PATCH_FLAGS =
            EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

    private Patches() {
    }

    /**
     * The patched JSON of {@code original}, an object of schema {@code schema} (which only strategic merge
     * patch looks at). Errors are {@link StatusError}s with kube's codes: 400 for a
     * malformed patch, 422 for a JSON patch that cannot be applied, 413 for more than
     * {@value #MAX_JSON_PATCH_OPERATIONS} operations, 415 for {@link PatchType#APPLY} (an apply is the field
     * manager's, and is not served where a caller ends up here, e.g. through {@code scale}).
     */
    public static JsonNode apply(PatchType type, JsonNode original, byte[] patch, Schema schema) {
        JsonNode patched = applyUnchecked(type, original, patch, schema);
        int depth = JsonDepth.of(patched);
        if (depth > JsonDepth.MAX_STORED) {
            throw JsonDepth.tooDeep(depth); // before field ownership walks it (deep enough, that overflows the stack)
        }
        return patched;
    }

    private static JsonNode applyUnchecked(PatchType type, JsonNode original, byte[] patch, Schema schema) {
        return switch (type) {
            case JSON_PATCH -> jsonPatch(original, patch);
            case MERGE -> MergePatch.apply(original, parse(patch, "Invalid JSON Patch"));
            case STRATEGIC -> StrategicMergePatch.apply(original, patchObject(patch), schema);
            case APPLY -> throw StatusError.unsupportedMediaType(List.of(PatchType.JSON_PATCH.mediaType(),
                    PatchType.MERGE.mediaType(), PatchType.STRATEGIC.mediaType()));
        };
    }

    private static JsonNode jsonPatch(JsonNode original, byte[] patch) {
        JsonNode ops = parse(patch, null);
        if (!ops.isArray()) {
            throw StatusError.badRequest("json: cannot unmarshal " + kind(ops)
                    + " into Go value of type jsonpatch.Patch");
        }
        if (ops.size() > MAX_JSON_PATCH_OPERATIONS) {
            throw StatusError.requestEntityTooLarge("Request entity too large: The allowed maximum operations in a "
                    + "JSON patch is " + MAX_JSON_PATCH_OPERATIONS + ", got " + ops.size());
        }
        for (JsonNode op : ops) {
            if (!op.isObject()) {
                throw StatusError.badRequest("json: cannot unmarshal " + kind(op)
                        + " into Go value of type jsonpatch.Operation");
            }
        }
        try {
            return CopyLimitedJsonPatch.apply(ops, original.deepCopy(), JSON_PATCH_FLAGS);
        } catch (JsonPatchException | IllegalArgumentException | IllegalStateException
                 | UnsupportedOperationException | IndexOutOfBoundsException e) {
            // zjsonpatch's own words; an index such as -1, 00 or 1e0 on an array says "Object operation on array
            // target" through an IllegalStateException: kube answers every failed application 422
            throw PatchErrors.unprocessable(e.getMessage());
        }
    }

    private static ObjectNode patchObject(byte[] patch) {
        JsonNode node = parse(patch, null);
        if (!(node instanceof ObjectNode o)) {
            throw StatusError.badRequest("json: cannot unmarshal " + kind(node)
                    + " into Go value of type map[string]interface {}");
        }
        return o;
    }

    /** Parses the body; a syntax error is a 400 with {@code message} (or the parser's own words). */
    private static JsonNode parse(byte[] patch, String message) {
        try {
            JsonNode n = Json.MAPPER.readTree(patch == null ? new byte[0] : patch);
            if (n == null || n.isMissingNode()) {
                throw StatusError.badRequest(message != null ? message : "unexpected end of JSON input");
            }
            return n;
        } catch (JacksonException e) {
            throw StatusError.badRequest(message != null ? message : syntaxMessage(e));
        }
    }

    private static String syntaxMessage(JacksonException e) {
        String m = e.getOriginalMessage();
        return "invalid JSON: " + (m == null ? e.getClass().getSimpleName() : m);
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isString()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return "null";
    }
}

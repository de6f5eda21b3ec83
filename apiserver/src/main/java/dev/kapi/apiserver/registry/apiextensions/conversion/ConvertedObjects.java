package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a webhook answered, checked and repaired as kube does: each converted object must have the desired
 * {@code apiVersion}, the original's kind, name, namespace and uid; its metadata is then the original's
 * with only the webhook's labels and annotations kept (validated when they changed), kube's
 * {@code restoreObjectMeta}. Index numbers in the messages follow kube's, which count from 1 once an object
 * has been decoded.
 */
final class ConvertedObjects {

    private ConvertedObjects() {
    }

    static List<ObjectNode> check(List<ObjectNode> originals, List<JsonNode> converted, String desiredApiVersion,
                                  String gvk) {
        List<ObjectNode> out = new ArrayList<>(originals.size());
        for (int i = 0; i < originals.size(); i++) {
            ObjectNode original = originals.get(i);
            JsonNode answer = converted.get(i);
            String prefix = "conversion webhook for " + gvk + " returned invalid converted object at index ";
            if (!(answer instanceof ObjectNode object) || text(answer, "kind").isEmpty()) {
                throw new ConversionException(prefix + i + ": Object 'Kind' is missing in '" + answer + "'");
            }
            int index = i + 1;
            String gv = text(object, "apiVersion");
            if (!desiredApiVersion.equals(gv)) {
                throw new ConversionException(prefix + index + ": invalid groupVersion (expected "
                        + desiredApiVersion + ", received " + gv + ")");
            }
            String why = sameIdentity(original, object);
            if (why != null) {
                throw new ConversionException(prefix + index + ": " + why);
            }
            try {
                out.add(restoreMeta(original, object));
            } catch (IllegalArgumentException e) {
                throw new ConversionException("conversion webhook for " + gvk
                        + " returned invalid metadata in object at index " + index + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** kube's kind check and {@code validateConvertedObject}: null when the identity is the same. */
    private static String sameIdentity(ObjectNode in, ObjectNode out) {
        if (!text(in, "kind").equals(text(out, "kind"))) {
            return "invalid kind (expected " + text(in, "kind") + ", received " + text(out, "kind") + ")";
        }
        for (String field : List.of("name", "namespace", "uid")) {
            String a = text(in.path("metadata"), field);
            String b = text(out.path("metadata"), field);
            if (!a.equals(b)) {
                String what = field.equals("uid") ? "UID" : field;
                return "must have the same " + what + ": " + a + " != " + b;
            }
        }
        return null;
    }

    /** The converted object with the original's metadata, but the converted labels and annotations. */
    private static ObjectNode restoreMeta(ObjectNode original, ObjectNode converted) {
        JsonNode convertedMeta = converted.get("metadata");
        JsonNode originalMeta = original.get("metadata");
        if (convertedMeta == null && originalMeta == null) {
            return converted;
        }
        if (convertedMeta == null) {
            throw new IllegalArgumentException("missing metadata in converted object");
        }
        if (!convertedMeta.isObject()) {
            throw new IllegalArgumentException("invalid metadata of type " + goType(convertedMeta)
                    + " in converted object");
        }
        if (originalMeta != null && !originalMeta.isObject()) {
            throw new IllegalArgumentException("invalid metadata of type " + goType(originalMeta) + " in input object");
        }
        ObjectNode result = converted.deepCopy();
        ObjectNode meta = originalMeta == null ? result.objectNode() : ((ObjectNode) originalMeta).deepCopy();
        for (String field : List.of("labels", "annotations")) {
            JsonNode value = convertedMeta.get(field);
            if (value == null || value.isNull()) {
                meta.remove(field);
                continue;
            }
            if (!value.isObject()) {
                throw new IllegalArgumentException("invalid metadata." + field + " of type " + goType(value)
                        + " in converted object");
            }
            Map<String, String> strings = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                if (!e.getValue().isString()) {
                    throw new IllegalArgumentException("metadata." + field + "[" + e.getKey() + "] must be a string, but is "
                            + goType(e.getValue()) + " in converted object");
                }
                strings.put(e.getKey(), e.getValue().asString());
            }
            if (!value.equals(meta.get(field) == null ? result.objectNode() : meta.get(field))) {
                List<FieldError> errs = field.equals("labels")
                        ? ObjectMetaValidation.validateLabels(strings, "metadata.labels")
                        : ObjectMetaValidation.validateAnnotations(strings, "metadata.annotation");
                if (!errs.isEmpty()) {
                    throw new IllegalArgumentException(aggregate(errs));
                }
            }
            meta.set(field, value.deepCopy());
        }
        result.set("metadata", meta);
        return result;
    }

    /** apimachinery's aggregate error text: the one message, or {@code [a, b]}, duplicates dropped. */
    private static String aggregate(List<FieldError> errs) {
        Set<String> messages = new LinkedHashSet<>();
        errs.forEach(e -> messages.add(e.toString()));
        return messages.size() == 1 ? messages.iterator().next() : "[" + String.join(", ", messages) + "]";
    }

    /** Go's {@code %T} of the value a JSON node decodes to in an unstructured object. */
    static String goType(JsonNode n) {
        if (n == null || n.isNull()) {
            return "<nil>";
        }
        if (n.isString()) {
            return "string";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        if (n.isIntegralNumber()) {
            return "int64";
        }
        if (n.isNumber()) {
            return "float64";
        }
        return n.isArray() ? "[]interface {}" : "map[string]interface {}";
    }

    /** A string field, "" when absent or not a string (as unstructured's getters read it). */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isString() ? v.asString() : "";
    }
}

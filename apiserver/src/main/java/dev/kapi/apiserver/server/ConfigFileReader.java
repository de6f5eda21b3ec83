package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoQuote;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one of kube's {@code apiserver.config.k8s.io} files (AuthorizationConfiguration, AuthenticationConfiguration)
 * as kube's strict decoder does: YAML or JSON, duplicate keys refused, unknown fields listed
 * ({@code unknown field "jwt[0].issuer.foo"}) from a table of the fields each object may have, keyed by the name of
 * the field that holds it ({@code ""} for the root, {@code name[]} for a list's items). Values of the wrong type are
 * refused naming the field. Every failure starts with the reader's prefix (kube's
 * {@code failed to load AuthorizationConfiguration from file: }, say).
 */
final class ConfigFileReader {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final String failure;
    private final Map<String, Set<String>> fields;

    ConfigFileReader(String failurePrefix, Map<String, Set<String>> fields) {
        this.failure = failurePrefix;
        this.fields = fields;
    }

    /** The document, or null when the file holds none. */
    JsonNode read(byte[] bytes) {
        JsonNode root;
        try {
            root = YAML.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(failure + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(failure + "not an object");
        }
        return root;
    }

    /** Refuses a document with fields its kind does not have. */
    void checkFields(JsonNode root) {
        List<String> unknown = new ArrayList<>();
        unknownFields(root, "", "", unknown);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(failure + "strict decoding error: " + String.join(", ", unknown));
        }
    }

    private void unknownFields(JsonNode node, String path, String shape, List<String> unknown) {
        Set<String> known = fields.get(shape);
        if (known == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            if (!known.contains(f.getKey())) {
                unknown.add("unknown field \"" + at + "\"");
            } else if (f.getValue().isArray()) {
                for (int i = 0; i < f.getValue().size(); i++) {
                    unknownFields(f.getValue().get(i), at + "[" + i + "]", f.getKey() + "[]", unknown);
                }
            } else {
                unknownFields(f.getValue(), at, f.getKey(), unknown);
            }
        }
    }

    /** The list {@code field} of {@code node} (none when absent or null). */
    Iterable<JsonNode> list(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw decodeError(where, "an array", v);
        }
        return v;
    }

    JsonNode object(JsonNode v, String where) {
        if (!v.isObject()) {
            throw decodeError(where, "an object", v);
        }
        return v;
    }

    /** The string {@code field} of {@code node}, "" when absent or null. */
    String string(JsonNode node, String field, String where) {
        String s = optionalString(node, field, where);
        return s == null ? "" : s;
    }

    /** The string {@code field} of {@code node}, null when absent or null. */
    String optionalString(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw decodeError(where, "a string", v);
        }
        return v.asString();
    }

    boolean bool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw decodeError(where, "a boolean", v);
        }
        return v.booleanValue();
    }

    IllegalArgumentException failure(String message, Throwable cause) {
        return new IllegalArgumentException(failure + message, cause);
    }

    private IllegalArgumentException decodeError(String field, String expected, JsonNode v) {
        return new IllegalArgumentException(failure + field + ": expected " + expected + ", got " + v);
    }

    /** A string as kube's field errors print it (Go's {@code %q}). */
    static Object q(String value) {
        String quoted = GoQuote.quote(value);
        return new Object() {
            @Override
            public String toString() {
                return quoted;
            }
        };
    }
}

package dev.kapi.apiserver.webhook;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a webhook's review answer as Go decodes it into kube's typed struct: a field of the wrong JSON type
 * ({@code "authenticated":"true"}, {@code "username":123}) makes the whole answer invalid, where a lenient reader
 * would take it; {@code null} and a missing field are the zero value.
 *
 * <p>Example: {@code bool(status, "allowed", "status.allowed")} is true for {@code true}, false for a missing
 * field or {@code null}, and fails for {@code "true"} or {@code 1}.
 */
public final class ReviewFields {

    private ReviewFields() {
    }

    /**
     * The answer's envelope as Go's decoder checks it: {@code kind} and {@code apiVersion} strings, the kind (when
     * given) the one asked for, {@code metadata} and {@code spec} objects.
     */
    public static void envelope(JsonNode answer, String kind) throws IOException {
        String k = string(answer, "kind", "kind");
        string(answer, "apiVersion", "apiVersion");
        if (!k.isEmpty() && !k.equals(kind)) {
            throw new IOException("the webhook's answer is not valid: kind " + k + " is not " + kind);
        }
        object(answer, "metadata", "metadata");
        object(answer, "spec", "spec");
    }

    /** An object field ({@code status}, {@code user}); a missing one or {@code null} reads as empty. */
    public static JsonNode object(JsonNode parent, String field, String path) throws IOException {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull() || n.isObject()) {
            return n.isObject() ? n : MissingNode.getInstance();
        }
        throw invalid(path, "an object");
    }

    public static boolean bool(JsonNode parent, String field, String path) throws IOException {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw invalid(path, "a boolean");
        }
        return n.booleanValue();
    }

    public static String string(JsonNode parent, String field, String path) throws IOException {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return "";
        }
        if (!n.isString()) {
            throw invalid(path, "a string");
        }
        return n.asString();
    }

    /** A list of strings ({@code null} items read as ""). */
    public static List<String> strings(JsonNode parent, String field, String path) throws IOException {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw invalid(path, "a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isString() && !item.isNull()) {
                throw invalid(path, "a list of strings");
            }
            out.add(item.isNull() ? "" : item.asString());
        }
        return List.copyOf(out);
    }

    /** A map of string lists (kube's {@code extra}). */
    public static Map<String, List<String>> stringLists(JsonNode parent, String field, String path) throws IOException {
        JsonNode n = object(parent, field, path);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            out.put(e.getKey(), strings(n, e.getKey(), path + "." + e.getKey()));
        }
        return Map.copyOf(out);
    }

    private static IOException invalid(String path, String expected) {
        return new IOException("the webhook's answer is not valid: " + path + " is not " + expected);
    }
}

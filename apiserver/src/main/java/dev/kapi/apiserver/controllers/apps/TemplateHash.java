package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code pod-template-hash} of a Deployment's template (kube's {@code controller.ComputeHash}): FNV-32a
 * over the template, then the collisionCount as 8 little-endian bytes (the low 4 set) when there is one, the
 * unsigned sum in decimal mapped through kube's {@code SafeEncodeString} alphabet (each digit's byte modulo
 * 27 picks from "bcdfghjklmnpqrstvwxz2456789"), so names never spell words.
 *
 * <p>One difference: kube hashes the go-spew dump of its Go structs, which no other language can reproduce
 * field for field; Kapi hashes the template's canonical JSON (keys sorted, nulls and empty values dropped).
 * The hash has the same form and the same use (a stable name per template), but not kube's value.
 * {@link #semanticallyEqual} is kube's {@code EqualIgnoreHash} on the same canonical form.
 */
final class TemplateHash {

    static final String LABEL = "pod-template-hash";
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private TemplateHash() {
    }

    static String compute(PodTemplateSpec template, Integer collisionCount) {
        byte[] data = canonical(template, false).getBytes(StandardCharsets.UTF_8);
        int hash = 0x811c9dc5;
        for (byte b : data) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        if (collisionCount != null) {
            int c = collisionCount;
            byte[] bytes = {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24), 0, 0, 0, 0};
            for (byte b : bytes) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** kube's {@code rand.SafeEncodeString}. */
    static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    /** kube's {@code EqualIgnoreHash}: equal templates once both lose their pod-template-hash label. */
    static boolean semanticallyEqual(PodTemplateSpec a, PodTemplateSpec b) {
        return canonical(a, true).equals(canonical(b, true));
    }

    /** The value's canonical JSON: keys sorted, nulls and empty values left out. */
    static String canonicalJson(Object value) {
        StringBuilder out = new StringBuilder();
        write(Json.tree(value), out);
        return out.toString();
    }

    private static String canonical(PodTemplateSpec template, boolean withoutHash) {
        JsonNode tree = Json.tree(template);
        if (withoutHash && tree.get("metadata") != null && tree.get("metadata").get("labels") != null
                && tree.get("metadata").get("labels").isObject()) {
            ((tools.jackson.databind.node.ObjectNode) tree.get("metadata").get("labels")).remove(LABEL);
        }
        StringBuilder out = new StringBuilder();
        write(tree, out);
        return out.toString();
    }

    /** Writes the node with sorted keys, leaving out nulls and empty objects, arrays and strings. */
    private static boolean write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                sorted.put(e.getKey(), e.getValue());
            }
            StringBuilder inner = new StringBuilder();
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                StringBuilder value = new StringBuilder();
                if (write(e.getValue(), value)) {
                    inner.append(inner.isEmpty() ? "" : ",").append(Json.string(e.getKey())).append(':').append(value);
                }
            }
            if (inner.isEmpty()) {
                return false;
            }
            out.append('{').append(inner).append('}');
            return true;
        }
        if (node.isArray()) {
            StringBuilder inner = new StringBuilder();
            for (Iterator<JsonNode> it = node.values().iterator(); it.hasNext(); ) {
                StringBuilder value = new StringBuilder();
                if (!write(it.next(), value)) {
                    value.append("null");
                }
                inner.append(inner.isEmpty() ? "" : ",").append(value);
            }
            if (inner.isEmpty()) {
                return false;
            }
            out.append('[').append(inner).append(']');
            return true;
        }
        if (node.isString() && node.asString().isEmpty()) {
            return false;
        }
        out.append(node);
        return true;
    }
}

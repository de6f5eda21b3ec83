package dev.kapi.apiserver.registry.apiextensions.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops the fields of a custom object that its structural schema does not specify, as kube's
 * {@code schema/pruning}: a key is kept when it is a property, covered by additionalProperties, or inside a
 * node with {@code x-kubernetes-preserve-unknown-fields}; apiVersion, kind and metadata of the resource root
 * and of embedded resources are kept (metadata is ObjectMeta's business). The removed paths come back in
 * kube's unknown-field form ({@code spec.foo}, {@code spec.items[0].bar}, {@code spec.map.key.x}) for
 * fieldValidation Strict and Warn.
 */
public final class CustomPruning {

    private static final Set<String> META = Set.of("apiVersion", "kind", "metadata");

    private CustomPruning() {
    }

    /** Prunes {@code object} in place; returns the removed paths in the order met. Never throws. */
    public static List<String> prune(JsonNode openAPIV3Schema, ObjectNode object, boolean isResourceRoot) {
        return prune(Node.of(openAPIV3Schema), object, isResourceRoot);
    }

    static List<String> prune(Node schema, JsonNode object, boolean isResourceRoot) {
        List<String> pruned = new ArrayList<>();
        if (object == null) {
            return pruned;
        }
        try {
            if (schema != null && schema.preserveUnknownFields) {
                skip(object, schema, "", pruned);
            } else {
                object(object, schema, isResourceRoot || (schema != null && schema.embeddedResource), "", pruned);
            }
        } catch (StackOverflowError e) {
            // a value nested deeper than the stack: what was pruned so far stays pruned
        }
        return pruned;
    }

    private static void prune(JsonNode x, Node s, String path, List<String> pruned) {
        if (s != null && s.preserveUnknownFields) {
            skip(x, s, path, pruned);
        } else if (x.isObject()) {
            object(x, s, s != null && s.embeddedResource, path, pruned);
        } else if (x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                prune(x.get(i), s == null ? null : s.items, path + "[" + i + "]", pruned);
            }
        }
    }

    private static void object(JsonNode x, Node s, boolean embedded, String path, List<String> pruned) {
        for (Map.Entry<String, JsonNode> e : new ArrayList<>(x.properties())) {
            String k = e.getKey();
            if (embedded && META.contains(k)) {
                continue;
            }
            Node prop = s == null ? null : s.properties.get(k);
            String p = path.isEmpty() ? k : path + "." + k;
            if (prop != null) {
                prune(e.getValue(), prop, p, pruned);
            } else if (s != null && s.additionalProperties != null) {
                prune(e.getValue(), s.additionalProperties, p, pruned);
            } else if (s != null && s.additionalPropertiesAllowed != null) {
                prune(e.getValue(), null, p, pruned);
            } else {
                if (!META.contains(k) || !path.isEmpty()) {
                    pruned.add(p);
                }
                ((ObjectNode) x).remove(k);
            }
        }
    }

    /** Below preserve-unknown-fields: nothing unknown is dropped, but specified fields are still pruned. */
    private static void skip(JsonNode x, Node s, String path, List<String> pruned) {
        if (s == null) {
            return;
        }
        if (x.isObject()) {
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                String k = e.getKey();
                if (s.embeddedResource && META.contains(k)) {
                    continue;
                }
                String p = path.isEmpty() ? k : path + "." + k;
                Node prop = s.properties.get(k);
                if (prop != null) {
                    prune(e.getValue(), prop, p, pruned);
                } else if (s.additionalProperties != null || s.additionalPropertiesAllowed != null) {
                    prune(e.getValue(), s.additionalProperties, p, pruned);
                }
            }
        } else if (x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                prune(x.get(i), s.items, path + "[" + i + "]", pruned);
            }
        }
    }
}

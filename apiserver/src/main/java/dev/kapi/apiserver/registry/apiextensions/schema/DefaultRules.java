package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's CRD-time default checks ({@code schema/defaulting/validation.go}): each {@code default} outside
 * resource metadata must survive pruning ({@code must not have unknown fields}), carry a valid apiVersion and
 * kind where it is an embedded resource, and validate against its own schema, reported under
 * {@code ...default} with kube-openapi's messages (whose names are relative to the default, so the root is "").
 * Defaults under additionalProperties are not followed, as in kube.
 */
final class DefaultRules {

    private static final Set<String> META = Set.of("metadata", "apiVersion", "kind");

    private DefaultRules() {
    }

    static void check(JsonNode root, String path, List<FieldError> out) {
        walk(root, path, true, false, out);
    }

    private static void walk(JsonNode raw, String path, boolean embeddedRoot, boolean insideMeta,
            List<FieldError> out) {
        Node s = Node.of(raw);
        if (s == null) {
            return;
        }
        boolean embedded = embeddedRoot || s.embeddedResource;
        if (embedded) {
            insideMeta = false;
        }
        if (s.defaultValue != null && !insideMeta) {
            String at = Raw.child(path, "default");
            JsonNode pruned = s.defaultValue.deepCopy();
            CustomPruning.prune(s, pruned, embedded);
            if (!JsonValues.equal(pruned, s.defaultValue)) {
                out.add(FieldError.invalid(at, GoText.badValue(s.defaultValue), "must not have unknown fields"));
            }
            int before = out.size();
            if (s.embeddedResource) {
                ListAndEmbedded.embedded(s, s.defaultValue, at, out);
            }
            if (out.size() == before) {
                out.addAll(Issue.toFieldErrors(at, ValueValidator.validate(s, s.defaultValue, "")));
            }
        }
        JsonNode items = raw.get("items");
        if (items != null && items.isObject()) {
            walk(items, Raw.child(path, "items"), false, insideMeta, out);
        }
        JsonNode props = raw.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                boolean meta = insideMeta || (embedded && META.contains(p.getKey()));
                walk(p.getValue(), Raw.key(Raw.child(path, "properties"), p.getKey()), false, meta, out);
            }
        }
    }
}

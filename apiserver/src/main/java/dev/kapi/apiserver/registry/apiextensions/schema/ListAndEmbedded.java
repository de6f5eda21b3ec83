package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks kube runs after schema validation: embedded resources carry a valid apiVersion, kind and metadata
 * ({@code schema/objectmeta}), and lists of type set and map hold no duplicates ({@code schema/listtype}).
 * Paths are kube's field paths: {@code spec.template.kind}, {@code spec.ports[1]}, {@code spec.map[key]}.
 */
final class ListAndEmbedded {

    private static final Pattern DNS1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    private static final String DNS1035_MESSAGE = "a DNS-1035 label must consist of lower case alphanumeric characters"
            + " or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', "
            + " or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private ListAndEmbedded() {
    }

    static void embedded(Node s, JsonNode v, String path, List<FieldError> out) {
        if (s == null || v == null) {
            return;
        }
        if (v.isObject()) {
            if (s.embeddedResource) {
                embeddedResource(path, v, out);
            }
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                Node p = s.properties.get(e.getKey());
                if (p != null) {
                    embedded(p, e.getValue(), child(path, e.getKey()), out);
                } else if (s.additionalProperties != null) {
                    embedded(s.additionalProperties, e.getValue(), path + "[" + e.getKey() + "]", out);
                }
            }
        } else if (v.isArray() && s.items != null) {
            for (int i = 0; i < v.size(); i++) {
                embedded(s.items, v.get(i), path + "[" + i + "]", out);
            }
        }
    }

    private static void embeddedResource(String path, JsonNode x, List<FieldError> out) {
        if (!x.has("apiVersion")) {
            out.add(FieldError.required(child(path, "apiVersion"), "must not be empty"));
        }
        if (!x.has("kind")) {
            out.add(FieldError.required(child(path, "kind"), "must not be empty"));
        }
        JsonNode apiVersion = x.get("apiVersion");
        if (apiVersion != null) {
            String p = child(path, "apiVersion");
            if (!apiVersion.isString()) {
                out.add(FieldError.invalid(p, GoText.badValue(apiVersion), "must be a string"));
            } else if (apiVersion.stringValue().isEmpty()) {
                out.add(FieldError.invalid(p, "", "must not be empty"));
            } else if (apiVersion.stringValue().split("/", -1).length > 2) {
                out.add(FieldError.invalid(p, apiVersion.stringValue(),
                        "unexpected GroupVersion string: " + apiVersion.stringValue()));
            }
        }
        JsonNode kind = x.get("kind");
        if (kind != null) {
            String p = child(path, "kind");
            if (!kind.isString()) {
                out.add(FieldError.invalid(p, GoText.badValue(kind), "must be a string"));
            } else if (kind.stringValue().isEmpty()) {
                out.add(FieldError.invalid(p, "", "must not be empty"));
            } else {
                String lower = kind.stringValue().toLowerCase(java.util.Locale.ROOT);
                List<String> errs = new ArrayList<>();
                if (lower.length() > 63) {
                    errs.add("must be no more than 63 characters");
                }
                if (!DNS1035.matcher(lower).matches()) {
                    errs.add(DNS1035_MESSAGE);
                }
                if (!errs.isEmpty()) {
                    out.add(FieldError.invalid(p, kind.stringValue(),
                            "may have mixed case, but should otherwise match: " + String.join(",", errs)));
                }
            }
        }
        JsonNode metadata = x.get("metadata");
        if (metadata != null) {
            embeddedMetadata(child(path, "metadata"), metadata, out);
        }
    }

    /**
     * kube's check of an embedded resource's ObjectMeta: what ObjectMeta validation says of it (labels,
     * annotations, owner references, finalizers, a namespace's form), with path-segment names and an absent
     * name allowed.
     */
    private static void embeddedMetadata(String path, JsonNode metadata, List<FieldError> out) {
        ObjectMeta meta;
        try {
            meta = Json.convert(metadata, ObjectMeta.class);
        } catch (RuntimeException e) {
            out.add(FieldError.invalid(path, GoText.badValue(metadata), "must be an ObjectMeta object"));
            return;
        }
        if (meta == null) {
            return;
        }
        if (meta.getName() == null || meta.getName().isEmpty()) {
            meta.setName("fakename"); // kube's stand-in: an embedded resource needs no name
        }
        boolean namespaced = meta.getNamespace() != null && !meta.getNamespace().isEmpty();
        for (FieldError e : ObjectMetaValidation.validateCreate(meta, namespaced, NameValidation::pathSegmentName)) {
            String field = e.field().startsWith("metadata") ? path + e.field().substring("metadata".length())
                    : path + "." + e.field();
            out.add(new FieldError(e.type(), field, e.badValue(), e.detail()));
        }
    }

    static void lists(Node s, JsonNode v, String path, List<FieldError> out) {
        if (s == null || v == null) {
            return;
        }
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                Node p = s.properties.get(e.getKey());
                if (p != null) {
                    lists(p, e.getValue(), child(path, e.getKey()), out);
                }
                if (s.additionalProperties != null) {
                    lists(s.additionalProperties, e.getValue(), path + "[" + e.getKey() + "]", out);
                }
            }
        } else if (v.isArray()) {
            if ("set".equals(s.listType)) {
                set(v, path, out);
            } else if ("map".equals(s.listType)) {
                map(s, v, path, out);
            }
            if (s.items != null) {
                for (int i = 0; i < v.size(); i++) {
                    lists(s.items, v.get(i), path + "[" + i + "]", out);
                }
            }
        }
    }

    private static void set(JsonNode v, String path, List<FieldError> out) {
        Map<JsonValues.Key, Integer> seen = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            int times = seen.merge(new JsonValues.Key(v.get(i)), 1, Integer::sum);
            if (times == 2) {
                out.add(FieldError.duplicate(path + "[" + i + "]", GoText.badValue(v.get(i))));
            }
        }
    }

    private static void map(Node s, JsonNode v, String path, List<FieldError> out) {
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (!x.isNull() && !x.isObject()) {
                out.add(FieldError.invalid(path + "[" + i + "]", GoText.badValue(x),
                        "must be an object for an array of list-type map"));
                return;
            }
        }
        Map<JsonValues.Key, Integer> seen = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (x.isNull()) {
                continue;
            }
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            for (String k : s.listMapKeys) {
                JsonNode kv = x.get(k);
                if (kv == null && s.items != null && s.items.properties.get(k) != null) {
                    kv = s.items.properties.get(k).defaultValue;
                }
                key.set(k, kv == null ? JsonNodeFactory.instance.nullNode() : kv);
            }
            if (seen.merge(new JsonValues.Key(key), 1, Integer::sum) == 2) {
                out.add(FieldError.duplicate(path + "[" + i + "]", new GoText.Rendered(GoText.sharpV(key))));
            }
        }
    }

    static String child(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }
}

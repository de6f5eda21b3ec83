package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One probe of strategic merge patch per list, map, object and patch-strategy field that an OpenAPI v2
 * document lists under a kind, found by walking its definitions: the steps from the kind to the field, and
 * the field's v2 schema ({@code x-kubernetes-patch-strategy}, {@code x-kubernetes-patch-merge-key}, items).
 * The walk goes only where a patch can reach with its elements intact: through objects (not those replaced
 * whole), map values and the elements of lists merged by a key (an element of a replaced list is replaced
 * with it, so what lies below it is never merged). {@link #wrap} builds an original or a patch that holds a value at the probe's field.
 */
final class StrategicMergeProbes {

    /** A step from a kind to a field: a field, an element of a list merged by its key, a map's value. */
    sealed interface Step permits Field, Element, Value {
    }

    record Field(String name) implements Step {
    }

    /** The element whose merge key {@code mergeKey} is {@value #KEY}. */
    record Element(String mergeKey) implements Step {
    }

    /** The value under key {@value #KEY}. */
    record Value() implements Step {
    }

    static final String KEY = "k";

    /** A field to patch: where it is, its v2 schema and its type's definition (null for none). */
    record Probe(String path, List<Step> steps, JsonNode field, JsonNode items) {

        String strategy() {
            return field.path("x-kubernetes-patch-strategy").asString("");
        }

        String mergeKey() {
            return field.path("x-kubernetes-patch-merge-key").asString("");
        }

        boolean isList() {
            return "array".equals(field.path("type").asString(""));
        }

        @Override
        public String toString() {
            return path;
        }
    }

    private final JsonNode definitions;
    private final List<Probe> probes = new ArrayList<>();
    private final Deque<String> onTheWay = new ArrayDeque<>();

    private StrategicMergeProbes(JsonNode definitions) {
        this.definitions = definitions;
    }

    /** The probes under the v2 definition {@code kind}. */
    static List<Probe> of(JsonNode definitions, String kind) {
        StrategicMergeProbes p = new StrategicMergeProbes(definitions);
        p.walk(kind, List.of(), "");
        return p.probes;
    }

    /** The v2 definition a schema refers to, or null. */
    JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema == null ? null : schema.get("$ref");
        return ref == null ? null : definitions.get(ref.asString().substring(ref.asString().lastIndexOf('/') + 1));
    }

    private static String refName(JsonNode schema) {
        return OpenApiSamples.refName(schema);
    }

    private void walk(String definition, List<Step> steps, String path) {
        if (onTheWay.contains(definition)) {
            return;
        }
        onTheWay.push(definition);
        for (var e : definitions.get(definition).path("properties").properties()) {
            JsonNode field = e.getValue();
            List<Step> here = append(steps, new Field(e.getKey()));
            String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode target = resolve(field);
            if ("array".equals(field.path("type").asString(""))) {
                JsonNode items = resolve(field.get("items"));
                probes.add(new Probe(p, here, field, items));
                String key = field.path("x-kubernetes-patch-merge-key").asString("");
                if (items != null && items.has("properties") && !key.isEmpty()) {
                    walk(refName(field.get("items")), append(here, new Element(key)), p + "[]");
                }
            } else if (target != null && target.has("properties")) {
                probes.add(new Probe(p, here, field, null));
                if (!field.path("x-kubernetes-patch-strategy").asString("").contains("replace")) {
                    walk(refName(field), here, p);
                }
            } else if (field.has("additionalProperties")) {
                probes.add(new Probe(p, here, field, null));
                JsonNode values = resolve(field.get("additionalProperties"));
                if (values != null && values.has("properties")) {
                    walk(refName(field.get("additionalProperties")), append(here, new Value()), p + "[]");
                }
            } else if (field.has("x-kubernetes-patch-strategy")) {
                probes.add(new Probe(p, here, field, null)); // a strategy on a scalar: the test refuses it
            }
        }
        onTheWay.pop();
    }

    private static List<Step> append(List<Step> steps, Step step) {
        List<Step> out = new ArrayList<>(steps);
        out.add(step);
        return out;
    }

    /** An object that holds {@code leaf} at {@code steps}. */
    static ObjectNode wrap(List<Step> steps, JsonNode leaf) {
        JsonNode node = leaf;
        for (int i = steps.size() - 1; i >= 0; i--) {
            switch (steps.get(i)) {
                case Field f -> node = Json.MAPPER.createObjectNode().set(f.name(), node);
                case Element el -> {
                    ((ObjectNode) node).put(el.mergeKey(), KEY);
                    ArrayNode a = Json.MAPPER.createArrayNode();
                    a.add(node);
                    node = a;
                }
                case Value v -> node = Json.MAPPER.createObjectNode().set(KEY, node);
            }
        }
        return (ObjectNode) node;
    }

    /** The value at {@code steps} in {@code root}, or null. */
    static JsonNode at(JsonNode root, List<Step> steps) {
        JsonNode node = root;
        for (Step s : steps) {
            if (node == null) {
                return null;
            }
            node = switch (s) {
                case Field f -> node.get(f.name());
                case Value v -> node.get(KEY);
                case Element el -> {
                    JsonNode found = null;
                    for (JsonNode item : node) {
                        if (KEY.equals(item.path(el.mergeKey()).asString(null))) {
                            found = item;
                        }
                    }
                    yield found;
                }
            };
        }
        return node;
    }
}

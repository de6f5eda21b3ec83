package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** JSON helpers of {@link ResourceContractTest}: a JSON merge patch and a "contains" comparison. */
final class JsonTrees {

    private JsonTrees() {
    }

    static ObjectNode parse(String json) {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    /** {@code target} with {@code patch} merged in (RFC 7386: objects merge, null removes, the rest replaces). */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode p)) {
            return patch;
        }
        ObjectNode out = target instanceof ObjectNode t ? t.deepCopy() : Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
            }
        }
        return out;
    }

    /**
     * True when every field of {@code expected} is in {@code actual} with the same value: objects and
     * arrays (element by element, same length) recursively, so server defaults added to {@code actual}
     * are allowed; numbers by value.
     */
    static boolean contains(JsonNode actual, JsonNode expected) {
        if (expected instanceof ArrayNode e) {
            if (!(actual instanceof ArrayNode a) || a.size() != e.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!contains(a.get(i), e.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isNumber()) {
            return actual != null && actual.isNumber() && actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        if (expected instanceof ObjectNode e) {
            if (!(actual instanceof ObjectNode a)) {
                return false;
            }
            for (Map.Entry<String, JsonNode> f : e.properties()) {
                if (!contains(a.get(f.getKey()), f.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }
}

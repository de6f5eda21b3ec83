package dev.kapi.apiserver.endpoints.patch;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** JSON merge patch, RFC 7386 ({@code application/merge-patch+json}). */
final class MergePatch {

    private MergePatch() {
    }

    /** The RFC's MergePatch(target, patch), on copies: the inputs are left unchanged. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode p)) {
            return patch.deepCopy();
        }
        ObjectNode out = target instanceof ObjectNode t ? t.deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), apply(out.get(e.getKey()), e.getValue()));
            }
        }
        return out;
    }
}

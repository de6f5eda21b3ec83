package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.api.Json;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Ready-made {@link CacherOptions#indexers}: the value of a field of the stored JSON named by its dotted path.
 *
 * <p>Example: {@code Map.of("spec.nodeName", FieldIndexers.jsonPath("spec.nodeName"))} indexes pods by node;
 * a pod without {@code spec.nodeName} (or whose value is not a string) is in no index entry.
 */
public final class FieldIndexers {

    private FieldIndexers() {
    }

    /** The string at {@code dottedPath} (e.g. {@code spec.nodeName}) of an object's JSON, or null. */
    public static Function<byte[], String> jsonPath(String dottedPath) {
        String[] segments = dottedPath.split("\\.");
        return json -> {
            JsonNode node = Json.MAPPER.readTree(json);
            for (String segment : segments) {
                node = node.path(segment);
            }
            return node.isString() ? node.asString() : null;
        };
    }
}

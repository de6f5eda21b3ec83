package dev.kapi.apiserver.storage.cacher;

import java.util.function.Function;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Ready-made {@link CacherOptions#indexers}: the value of a field of the stored JSON named by its dotted path,
 * read with a streaming parser (no full decode, nothing kept).
 *
 * <p>Example: {@code Map.of("spec.nodeName", FieldIndexers.jsonPath("spec.nodeName"))} indexes pods by node;
 * a pod without {@code spec.nodeName} (or whose value is not a string) is under "", as a field selector sees an
 * unset field (kube's pod indexer: {@code spec.nodeName=} lists the unscheduled pods).
 */
public final class FieldIndexers {

    private static final JsonFactory JSON = new JsonFactory();

    private FieldIndexers() {
    }

    /** The string at {@code dottedPath} (e.g. {@code spec.nodeName}) of an object's JSON, or "". */
    public static Function<byte[], String> jsonPath(String dottedPath) {
        String[] path = dottedPath.split("\\.");
        return json -> stringAt(json, path);
    }

    static String stringAt(byte[] json, String... path) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            int depth = 0;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals(path[depth])) {
                    p.skipChildren();
                    continue;
                }
                if (depth == path.length - 1) {
                    return value == JsonToken.VALUE_STRING ? p.getString() : "";
                }
                if (value != JsonToken.START_OBJECT) {
                    return "";
                }
                depth++;
            }
            return "";
        }
    }
}

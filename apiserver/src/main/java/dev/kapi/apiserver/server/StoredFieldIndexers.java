package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.ResourceDefinition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The fields the watch cache indexes for a resource ({@code ResourceStrategy.indexedFields()}: pods'
 * {@code spec.nodeName}, as kube-apiserver's cacher), each read from the stored JSON with a streaming parser (no
 * full decode). The namespace needs no index: it is part of the key.
 */
final class StoredFieldIndexers {

    private static final JsonFactory JSON = new JsonFactory();

    private StoredFieldIndexers() {
    }

    /** Field name to extractor for the resource's stored values; empty when none is indexed. */
    static Map<String, Function<byte[], String>> of(ResourceDefinition<?> definition) {
        Map<String, Function<byte[], String>> indexers = new LinkedHashMap<>();
        for (String field : definition.strategy().indexedFields()) {
            String[] path = field.split("\\.");
            indexers.put(field, json -> stringAt(json, path));
        }
        return indexers;
    }

    /**
     * The string at {@code path} (object fields from the root) of a JSON value, "" when absent, null or not a
     * string, as a field selector sees an unset field.
     */
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
        } catch (RuntimeException e) {
            return "";
        }
    }
}

package dev.kapi.apiserver.registry;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A stored object's {@code metadata.labels}, read from its stored JSON without decoding the object: all a list
 * with only a label selector needs to know of each item (kube's watch cache keeps each object's label set for
 * the same reason). It reads up to the end of the first {@code metadata} and stops.
 *
 * <p>Example: {@code {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"web"},"name":"a"},…}} gives
 * {@code {app=web}}; an object without labels gives an empty map.
 */
final class StoredLabels {

    private static final JsonFactory JSON = new JsonFactory();

    private StoredLabels() {
    }

    /** The labels, or null when the value is not an object whose labels (if any) are an object of strings. */
    static Map<String, String> of(byte[] json) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("metadata".equals(field)) {
                    return value == JsonToken.START_OBJECT ? labelsIn(p) : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (RuntimeException e) {
            return null; // not JSON: the caller decodes, which reports it
        }
    }

    /** The labels of the metadata object the parser just entered (the last {@code labels}, as a decode keeps). */
    private static Map<String, String> labelsIn(JsonParser p) {
        Map<String, String> labels = Map.of();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!"labels".equals(field)) {
                p.skipChildren();
            } else if (value == JsonToken.VALUE_NULL) {
                labels = Map.of();
            } else if (value != JsonToken.START_OBJECT) {
                return null;
            } else {
                labels = new HashMap<>();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String key = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    labels.put(key, p.getString());
                }
            }
        }
        return labels;
    }
}

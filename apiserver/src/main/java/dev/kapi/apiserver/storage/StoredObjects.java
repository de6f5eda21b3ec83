package dev.kapi.apiserver.storage;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Reads the few fields storage itself needs (metadata.uid) from a stored JSON value without a full decode. */
public final class StoredObjects {

    private static final JsonFactory JSON = new JsonFactory();

    private StoredObjects() {
    }

    /** The value's {@code metadata.uid}, or null when it has none or is not a JSON object. */
    public static String uid(byte[] json) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("metadata".equals(field) && p.currentToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String metaField = p.currentName();
                        p.nextToken();
                        if ("uid".equals(metaField)) {
                            return p.currentToken() == JsonToken.VALUE_STRING ? p.getString() : null;
                        }
                        p.skipChildren();
                    }
                    return null;
                }
                p.skipChildren();
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}

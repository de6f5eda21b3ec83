package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A stored value decoded once and shared by every watch that sees it: the object (which readers must not
 * change) and its JSON, encoded on first use.
 */
public final class SharedObject {

    private final HasMetadata object;
    private volatile byte[] json;

    SharedObject(HasMetadata object) {
        this.object = object;
    }

    public HasMetadata object() {
        return object;
    }

    /** The object's JSON, encoded once. */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            synchronized (this) {
                j = json;
                if (j == null) {
                    j = Json.bytes(object);
                    json = j;
                }
            }
        }
        return j;
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.JsonDepth;
import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * Turns objects into stored values and back. The stored JSON never carries {@code resourceVersion}
 * (storage knows it as the entry's mod revision); decoding writes the mod revision into
 * {@code metadata.resourceVersion}, as kube-apiserver's versioner does.
 */
public final class ObjectCodec {

    private ObjectCodec() {
    }

    /**
     * The stored JSON of an object: serialized directly (no intermediate tree, this runs on every write)
     * with {@code resourceVersion} and {@code selfLink} left out, then put back on the object.
     */
    public static byte[] encode(HasMetadata obj) {
        ObjectMeta meta = obj.getMetadata();
        if (meta == null) {
            return limited(obj);
        }
        String resourceVersion = meta.getResourceVersion();
        String selfLink = meta.getSelfLink();
        meta.setResourceVersion(null);
        meta.setSelfLink(null);
        try {
            return limited(obj);
        } finally {
            meta.setResourceVersion(resourceVersion);
            meta.setSelfLink(selfLink);
        }
    }

    /** The JSON of an object that every answer can still carry ({@link JsonDepth#MAX_STORED}), else a 400. */
    private static byte[] limited(HasMetadata obj) {
        byte[] json;
        try {
            json = Json.bytes(obj);
        } catch (StreamConstraintsException e) {
            throw JsonDepth.tooDeep(JsonDepth.MAX_STORED + 1);
        }
        int depth = JsonDepth.of(json);
        if (depth > JsonDepth.MAX_STORED) {
            throw JsonDepth.tooDeep(depth);
        }
        return json;
    }

    public static <T extends HasMetadata> T decode(KeyValue kv, Class<T> type) {
        return decode(kv, type, true);
    }

    /** As {@link #decode(KeyValue, Class)}; without {@code metadata.managedFields} unless {@code managedFields}. */
    static <T extends HasMetadata> T decode(KeyValue kv, Class<T> type, boolean managedFields) {
        T obj = managedFields ? Json.read(kv.value(), type) : Json.readWithoutManagedFields(kv.value(), type);
        obj.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
        return obj;
    }

    /** A deep copy through JSON (fabric8 objects are mutable; strategies may change what they get). */
    public static <T extends HasMetadata> T copy(T obj, Class<T> type) {
        return Json.convert(Json.tree(obj), type);
    }
}

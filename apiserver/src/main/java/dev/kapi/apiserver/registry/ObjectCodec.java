package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns objects into stored values and back. The stored JSON never carries {@code resourceVersion}
 * (storage knows it as the entry's mod revision); decoding writes the mod revision into
 * {@code metadata.resourceVersion}, as kube-apiserver's versioner does.
 */
public final class ObjectCodec {

    private ObjectCodec() {
    }

    public static byte[] encode(HasMetadata obj) {
        ObjectNode tree = (ObjectNode) Json.tree(obj);
        if (tree.get("metadata") instanceof ObjectNode meta) {
            meta.remove("resourceVersion");
            meta.remove("selfLink");
        }
        return Json.MAPPER.writeValueAsBytes(tree);
    }

    public static <T extends HasMetadata> T decode(KeyValue kv, Class<T> type) {
        T obj = Json.read(kv.value(), type);
        obj.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
        return obj;
    }

    /** A deep copy through JSON (fabric8 objects are mutable; strategies may change what they get). */
    public static <T extends HasMetadata> T copy(T obj, Class<T> type) {
        return Json.convert(Json.tree(obj), type);
    }
}

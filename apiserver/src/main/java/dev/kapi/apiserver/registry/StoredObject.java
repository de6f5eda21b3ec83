package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;

/**
 * One object as a read found it in storage: decoded only when asked ({@link #object()}), and servable as its
 * stored JSON ({@link #json()}) when the resource's stored form is its served form. A read that answers JSON
 * writes {@link #json()} when it is not null and never decodes; every other answer uses {@link #object()}.
 * Not thread-safe: one request's.
 */
public final class StoredObject<T extends HasMetadata> {

    private final Store<T> store;
    private final KeyValue kv;
    private T object;

    StoredObject(Store<T> store, KeyValue kv) {
        this.store = store;
        this.kv = kv;
    }

    /** An object already decoded (or just written) with its entry; {@code kv} is null for a dry-run create's. */
    StoredObject(Store<T> store, KeyValue kv, T decoded) {
        this(store, kv);
        this.object = decoded;
    }

    /** The entry as read from storage. */
    KeyValue stored() {
        return kv;
    }

    /** The object, decoded (once) and at the served version, its resourceVersion set. */
    public T object() {
        if (object == null) {
            object = store.decode(kv);
        }
        return object;
    }

    /**
     * The object without {@code metadata.managedFields} (an empty list): decoded without reading them, or, when
     * already decoded (a filter needed it), with them cleared.
     */
    public T objectWithoutManagedFields() {
        if (object == null) {
            object = store.decode(kv, false);
        } else if (object.getMetadata() != null && object.getMetadata().getManagedFields() != null
                && !object.getMetadata().getManagedFields().isEmpty()) {
            object.getMetadata().setManagedFields(new ArrayList<>());
        }
        return object;
    }

    /**
     * The served JSON without decoding, or null when only {@link #object()} can tell it (also for a dry-run
     * create's object, which has no stored entry).
     */
    public StoredJson json() {
        ResourceDefinition<T> def = store.definition();
        if (kv == null || !def.storageForm().servesStoredJson()) {
            return null;
        }
        return StoredJson.of(kv, def.apiVersion(), def.kind());
    }
}

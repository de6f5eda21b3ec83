package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small cache of recently decoded watch values, keyed by the storage entry itself (the backend hands
 * the same entry to every watch of a change). Watches fanning out one change decode it once.
 */
final class DecodedValues<T extends HasMetadata> {

    private static final int SIZE = 1024;

    private final Store<T> store;
    private final Map<KeyValue, SharedObject> recent = new LinkedHashMap<>(SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyValue, SharedObject> eldest) {
            return size() > SIZE;
        }
    };

    DecodedValues(Store<T> store) {
        this.store = store;
    }

    SharedObject get(KeyValue kv) {
        synchronized (recent) {
            SharedObject hit = recent.get(kv);
            if (hit != null) {
                return hit;
            }
        }
        SharedObject decoded = new SharedObject(store.decode(kv));
        synchronized (recent) {
            SharedObject raced = recent.putIfAbsent(kv, decoded);
            return raced != null ? raced : decoded;
        }
    }
}

package dev.kapi.apiserver.registry.informer;

import io.fabric8.kubernetes.api.model.Quantity;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared, unmodifiable instance of each small map of strings or quantities that {@link CompactCopies} makes:
 * the labels of a Deployment's Pods, the requests and limits of their containers, repeat across thousands of
 * objects. Two maps are the same when they hold the same keys in the same order with the same strings (a
 * quantity's amount and format, so "1" and "1000m" stay apart). The shared maps are held weakly: one no
 * informer keeps any more is forgotten.
 */
final class SharedMaps {

    /** Larger maps, and maps of other values, are copied, not shared. */
    static final int LARGEST = 8;
    private static final Map<List<Object>, Shared> SHARED = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> CLEARED = new ReferenceQueue<>();

    private record QuantityText(String amount, String format) {
    }

    private static final class Shared extends WeakReference<Map<Object, Object>> {
        final List<Object> key;

        Shared(Map<Object, Object> map, List<Object> key) {
            super(map, CLEARED);
            this.key = key;
        }
    }

    private SharedMaps() {
    }

    /** The shared instance equal to {@code copy} (a compact copy, given up to it), or null when it is not shared. */
    static Map<Object, Object> of(Map<Object, Object> copy) {
        List<Object> key = key(copy);
        if (key == null) {
            return null;
        }
        for (Object cleared; (cleared = CLEARED.poll()) != null; ) {
            SHARED.remove(((Shared) cleared).key, cleared);
        }
        Shared known = SHARED.get(key);
        Map<Object, Object> hit = known == null ? null : known.get();
        if (hit != null) {
            return hit;
        }
        Map<Object, Object> made = Collections.unmodifiableMap(copy);
        SHARED.put(key, new Shared(made, key)); // two made at once: either is right, the last one is kept
        return made;
    }

    /** How many shared maps are known (for tests). */
    static int size() {
        return SHARED.size();
    }

    private static List<Object> key(Map<Object, Object> map) {
        if (map.size() > LARGEST) {
            return null;
        }
        List<Object> key = new ArrayList<>(2 * map.size());
        for (Map.Entry<Object, Object> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                return null;
            }
            key.add(k);
            Object v = e.getValue();
            if (v instanceof String s && s.length() <= CompactCopies.INTERNED_LENGTH) {
                key.add(s);
            } else if (v instanceof Quantity q && q.getAdditionalProperties().isEmpty()) {
                key.add(new QuantityText(q.getAmount(), q.getFormat()));
            } else {
                return null;
            }
        }
        return List.copyOf(key);
    }
}

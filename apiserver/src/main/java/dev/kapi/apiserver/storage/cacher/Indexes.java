package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.KeyValue;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watch cache's secondary indexes: for each indexed field, value -> the sorted keys of the objects with
 * that value, so a namespace's pods on one node are a key range of one set. Each object's field values are
 * computed once per change by the {@link CacherOptions#indexers} and remembered, so a change only moves its
 * key between sets.
 *
 * <p>Example: with an indexer for {@code spec.nodeName}, {@code keys("spec.nodeName", "node-1")} holds
 * {@code /registry/pods/a/p1} and {@code /registry/pods/b/p7}; {@code subSet} of it from {@code /registry/pods/a/}
 * gives namespace a's.
 *
 * <p>Not thread safe: the {@link WatchCache}'s lock guards it.
 */
final class Indexes {

    private static final Logger LOG = Logger.getLogger(Indexes.class.getName());

    private final Map<String, Function<byte[], String>> indexers;
    private final Map<String, Map<String, TreeSet<String>>> keysByValue = new HashMap<>();
    private final Map<String, Map<String, String>> valueByKey = new HashMap<>();
    /** Per field, the keys whose value the indexer could not read: while any exist the index is not used. */
    private final Map<String, Set<String>> unreadable = new HashMap<>();

    Indexes(Map<String, Function<byte[], String>> indexers) {
        this.indexers = indexers;
        for (String field : indexers.keySet()) {
            keysByValue.put(field, new HashMap<>());
            valueByKey.put(field, new HashMap<>());
            unreadable.put(field, new HashSet<>());
        }
    }

    /** Whether lists may use the index of {@code field}: it has an indexer that read every object. */
    boolean has(String field) {
        return indexers.containsKey(field) && unreadable.get(field).isEmpty();
    }

    /** The object under {@code key} is now {@code kv}. */
    void put(String key, KeyValue kv) {
        for (Map.Entry<String, Function<byte[], String>> indexer : indexers.entrySet()) {
            String field = indexer.getKey();
            String value = extract(indexer.getValue(), kv, field);
            if (value == null) {
                unreadable.get(field).add(key);
            } else {
                unreadable.get(field).remove(key);
            }
            String old = value == null ? valueByKey.get(field).remove(key) : valueByKey.get(field).put(key, value);
            if (old != null && old.equals(value)) {
                continue;
            }
            if (old != null) {
                removeKey(field, old, key);
            }
            if (value != null) {
                keysByValue.get(field).computeIfAbsent(value, v -> new TreeSet<>()).add(key);
            }
        }
    }

    /** The object under {@code key} is gone. */
    void remove(String key) {
        for (String field : indexers.keySet()) {
            unreadable.get(field).remove(key);
            String old = valueByKey.get(field).remove(key);
            if (old != null) {
                removeKey(field, old, key);
            }
        }
    }

    /** The keys (sorted) of the objects whose {@code field} is {@code value}; empty when none. */
    NavigableSet<String> keys(String field, String value) {
        TreeSet<String> keys = keysByValue.get(field).get(value);
        return keys == null ? Collections.emptyNavigableSet() : keys;
    }

    private void removeKey(String field, String value, String key) {
        Map<String, TreeSet<String>> byValue = keysByValue.get(field);
        TreeSet<String> keys = byValue.get(value);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            byValue.remove(value);
        }
    }

    private static String extract(Function<byte[], String> indexer, KeyValue kv, String field) {
        try {
            return indexer.apply(kv.value());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "indexer " + field + " failed on " + kv.key(), e);
            return null;
        }
    }
}

package dev.kapi.apiserver.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A webhook's answers remembered for a while (kube's expiring LRU caches in front of the authentication and
 * authorization webhooks): each entry has its own time to live (an expired one is dropped when it is next asked
 * for), at most {@code maxEntries} are kept (the least recently used go first), so that requests with ever new keys
 * cannot grow the heap.
 * Thread-safe; keys should not be secrets (hash a token first).
 *
 * <p>Example: {@code put(k, allowed, 5 min)} then {@code get(k)} answers {@code allowed} until 5 minutes have
 * passed, then null.
 */
public final class AnswerCache<V> {

    private record Remembered<V>(V value, long expires) {
    }

    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Remembered<V>> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered<V>> eldest) {
            return size() > maxEntries;
        }
    };

    public AnswerCache(int maxEntries, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The value remembered under {@code key}, null when none or expired. */
    public V get(String key) {
        long now = nanoTime.getAsLong();
        synchronized (entries) {
            Remembered<V> e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (now - e.expires() >= 0) {
                entries.remove(key);
                return null;
            }
            return e.value();
        }
    }

    /** Remembers {@code value} for {@code ttlNanos} (nothing when it is not positive). */
    public void put(String key, V value, long ttlNanos) {
        if (ttlNanos <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        synchronized (entries) {
            entries.put(key, new Remembered<>(value, now + ttlNanos));
        }
    }

    /** How many entries are held (expired ones included until they are seen). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A small cache of recently decoded watch values, keyed by the storage entry itself (the backend hands
 * the same entry to every watch of a change). Watches fanning out one change decode it once. An entry no
 * watch asked for in {@link #IDLE} is dropped (on the next call, and by a shared sweeper every few seconds),
 * so a quiet server does not keep a thousand decoded objects, managedFields and all, per resource.
 */
final class DecodedValues<T extends HasMetadata> {

    private static final int SIZE = 1024;
    static final Duration IDLE = Duration.ofSeconds(10);
    private static final Set<DecodedValues<?>> ALL = Collections.newSetFromMap(new WeakHashMap<>());
    private static Thread sweeper;

    /** A decoded value and when a watch last asked for it (guarded by the map's lock, touched in place). */
    private static final class Recent {
        final SharedObject decoded;
        long touchedNanos;

        Recent(SharedObject decoded, long touchedNanos) {
            this.decoded = decoded;
            this.touchedNanos = touchedNanos;
        }
    }

    private final Store<T> store;
    /** In access order: the eldest entry is the one asked for longest ago. */
    private final Map<KeyValue, Recent> recent = new LinkedHashMap<>(SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyValue, Recent> eldest) {
            return size() > SIZE;
        }
    };

    DecodedValues(Store<T> store) {
        this.store = store;
        register(this);
    }

    SharedObject get(KeyValue kv) {
        long now = System.nanoTime();
        synchronized (recent) {
            dropIdle(now);
            Recent hit = recent.get(kv); // access order: now the youngest
            if (hit != null) {
                hit.touchedNanos = now;
                return hit.decoded;
            }
        }
        SharedObject decoded = new SharedObject(store.decode(kv));
        synchronized (recent) {
            Recent raced = recent.putIfAbsent(kv, new Recent(decoded, now));
            return raced != null ? raced.decoded : decoded;
        }
    }

    /** How many decoded values are kept (for tests). */
    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }

    /** Drops the entries asked for longer than {@link #IDLE} before {@code now} (the eldest come first). */
    void dropIdle(long now) {
        synchronized (recent) {
            for (Iterator<Recent> it = recent.values().iterator(); it.hasNext(); ) {
                if (now - it.next().touchedNanos < IDLE.toNanos()) {
                    return;
                }
                it.remove();
            }
        }
    }

    private static void register(DecodedValues<?> values) {
        synchronized (ALL) {
            ALL.add(values);
            if (sweeper == null) {
                sweeper = Thread.ofPlatform().daemon().name("decoded-values-sweeper").start(DecodedValues::sweep);
            }
        }
    }

    private static void sweep() {
        while (true) {
            try {
                Thread.sleep(IDLE.toMillis() / 2);
            } catch (InterruptedException e) {
                return;
            }
            List<DecodedValues<?>> all;
            synchronized (ALL) {
                all = List.copyOf(ALL);
            }
            long now = System.nanoTime();
            all.forEach(values -> values.dropIdle(now));
        }
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One open API watch. Storage events are queued as they arrive (cheaply, on the backend's thread) and
 * decoded, filtered and turned into API events by the reader in {@link #poll}: an object that stops
 * matching the filter is sent as DELETED, one that starts matching as ADDED. A reader too slow to keep up
 * (more than {@value #CAPACITY} queued events, or queued changes whose stored values add up to more than
 * {@value #MAX_QUEUED_BYTES} bytes) has its watch ended, as kube-apiserver's cacher ends a watcher whose
 * buffer is full: nothing more is queued, what was queued is still read, and the client re-watches from the
 * last resourceVersion it got. The byte bound matters for large objects: 10,000 changes of objects near the
 * 1.5 MiB limit would pin gigabytes (history replayed by the backend may be read for this watch alone).
 * The initial state ({@code resourceVersion=0}, {@code sendInitialEvents}) is not bounded: it was listed
 * whole when the watch opened, as a LIST is, and is queued as stored (shared with the watch cache when
 * listed from memory), each object decoded only when read; a client that stops reading has its watch ended
 * by its writer's progress timeout.
 */
public final class StoreWatch<T extends HasMetadata> implements AutoCloseable {

    static final int CAPACITY = 10_000;
    /** The most bytes of stored values (new and previous) that queued changes may hold: 32 MiB. */
    static final long MAX_QUEUED_BYTES = 32L << 20;
    /** The most events {@link #poll(long)} hands over at once. */
    private static final int MAX_POLLED = 1000;

    private final Store<T> store;
    private final WatchParams<T> params;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** The bytes of stored values the queued changes hold (initial events not counted). */
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile WatchHandle handle;
    private volatile boolean closed;
    private volatile Runnable onEvents = () -> { };
    private final Consumer<StoreWatch<T>> onClose;

    /** @param onClose told when the watch is closed (its watcher stops tracking it) */
    StoreWatch(Store<T> store, WatchParams<T> params, Consumer<StoreWatch<T>> onClose) {
        this.store = store;
        this.params = params;
        this.onClose = onClose;
    }

    void start(WatchHandle handle) {
        this.handle = handle;
        if (closed) {
            handle.close();
        }
    }

    void offerInitial(ApiWatchEvent event) {
        queue.add(event);
    }

    /**
     * Queues an object of the initial state as it is stored, decoded only when read: the watch holds the
     * stored entry (the watch cache's own when the list was served from memory), not an object of its own.
     */
    void offerInitial(KeyValue stored) {
        queue.add(new Initial(stored));
    }

    /** An object of the initial state, sent as ADDED (the list that read it applied the filter). */
    private record Initial(KeyValue stored) {
    }

    void offer(WatchEvent event) {
        if (closed) {
            return;
        }
        long bytes = bytes(event);
        if (queue.size() >= CAPACITY || queuedBytes.get() + bytes > MAX_QUEUED_BYTES) {
            close();
            return;
        }
        queuedBytes.addAndGet(bytes);
        queue.add(event);
        onEvents.run();
    }

    /** The bytes of stored values {@code event} holds while queued. */
    private static long bytes(WatchEvent event) {
        return bytes(event.current()) + bytes(event.previous());
    }

    private static long bytes(KeyValue kv) {
        return kv == null || kv.value() == null ? 0 : kv.value().length;
    }

    /**
     * Calls {@code listener} (on the backend's thread, so it must only hand off) whenever an event was
     * queued or the watch was closed, so that a reader need not wait in {@link #poll} between events.
     */
    public void onEvents(Runnable listener) {
        this.onEvents = listener;
    }

    /** True while events wait to be read by {@link #poll} (some may still be filtered out there). */
    public boolean hasPending() {
        return !queue.isEmpty();
    }

    /** True once the watch ended (an ERROR was delivered, the reader was too slow, or it was closed). */
    public boolean isClosed() {
        return closed && queue.isEmpty();
    }

    /**
     * Waits up to {@code timeoutMillis} for events and returns those that are ready, converted (possibly
     * none, on timeout or when every change was filtered out), at most {@value #MAX_POLLED}.
     */
    public List<ApiWatchEvent> poll(long timeoutMillis) throws InterruptedException {
        return poll(timeoutMillis, MAX_POLLED);
    }

    /**
     * As {@link #poll(long)}, taking at most {@code max} queued changes (each gives at most one event): a
     * reader that writes events out takes them a few at a time, leaving the rest queued and bounded.
     */
    public List<ApiWatchEvent> poll(long timeoutMillis, int max) throws InterruptedException {
        List<ApiWatchEvent> out = new ArrayList<>();
        Object first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return out;
        }
        convert(first, out);
        Object next;
        for (int taken = 1; taken < max && (next = queue.poll()) != null; taken++) {
            convert(next, out);
        }
        return out;
    }

    private void convert(Object item, List<ApiWatchEvent> out) {
        if (item instanceof ApiWatchEvent e) {
            out.add(e);
            return;
        }
        if (item instanceof Initial initial) {
            out.add(new ApiWatchEvent("ADDED", store.decode(initial.stored())));
            return;
        }
        WatchEvent e = (WatchEvent) item;
        queuedBytes.addAndGet(-bytes(e));
        switch (e.type()) {
            case PROGRESS -> {
                if (params.allowBookmarks()) {
                    out.add(new ApiWatchEvent("BOOKMARK", bookmark(e.revision(), false)));
                }
            }
            case ERROR -> {
                out.add(new ApiWatchEvent("ERROR", errorStatus(e.error())));
                close();
            }
            case ADDED, DELETED -> {
                SharedObject obj = store.decodedValues().get(e.current());
                if (matches(obj)) {
                    out.add(new ApiWatchEvent(e.type().name(), obj.object(), obj));
                }
            }
            case MODIFIED -> {
                SharedObject obj = store.decodedValues().get(e.current());
                if (params.filter() == null) {
                    out.add(new ApiWatchEvent("MODIFIED", obj.object(), obj));
                    return;
                }
                boolean now = matches(obj);
                boolean before = e.previous() != null && matches(store.decodedValues().get(e.previous()));
                if (now && before) {
                    out.add(new ApiWatchEvent("MODIFIED", obj.object(), obj));
                } else if (now) {
                    out.add(new ApiWatchEvent("ADDED", obj.object(), obj));
                } else if (before) {
                    // kube's cacher: the object as it last matched, at this event's resourceVersion, never the
                    // changed one, which this watch's selector does not cover (nor may a policy that allowed it)
                    T last = store.decode(e.previous());
                    last.getMetadata().setResourceVersion(Long.toString(e.revision()));
                    out.add(new ApiWatchEvent("DELETED", last));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private boolean matches(SharedObject obj) {
        return params.matches((T) obj.object());
    }

    private static final String TOO_OLD = "too old resource version: ";

    /** The Status of a watch that ended with {@code error}: 410 Expired with kube's "too old resource version" text. */
    static Object errorStatus(StorageException error) {
        if (error != null && error.code() == StorageException.Code.EXPIRED) {
            String message = error.getMessage(); // the backends' own: "too old resource version: 2 (1502)", as kube's
            return StatusError.expired(message.startsWith(TOO_OLD) ? message : TOO_OLD + message).status();
        }
        return StatusError.internal(error == null ? "watch failed" : error.getMessage()).status();
    }

    /** An object of the watched kind carrying only a resourceVersion (and the initial-events-end mark). */
    T bookmark(long revision, boolean initialEventsEnd) {
        try {
            T obj = store.definition().type().getDeclaredConstructor().newInstance();
            obj.setApiVersion(store.definition().apiVersion());
            ObjectMeta meta = new ObjectMeta();
            meta.setResourceVersion(Long.toString(revision));
            if (initialEventsEnd) {
                meta.setAnnotations(Map.of("k8s.io/initial-events-end", "true"));
            }
            obj.setMetadata(meta);
            return obj;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        WatchHandle h = handle;
        if (h != null) {
            h.close();
        }
        onClose.accept(this);
        onEvents.run();
    }
}

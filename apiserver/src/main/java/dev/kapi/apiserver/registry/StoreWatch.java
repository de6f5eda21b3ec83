package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
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
import java.util.function.Consumer;

/**
 * One open API watch. Storage events are queued as they arrive (cheaply, on the backend's thread) and
 * decoded, filtered and turned into API events by the reader in {@link #poll}: an object that stops
 * matching the filter is sent as DELETED, one that starts matching as ADDED. A reader too slow to keep up
 * (more than {@value #CAPACITY} queued events) has its watch ended, as kube-apiserver does; the client
 * re-watches from its last resourceVersion.
 */
public final class StoreWatch<T extends HasMetadata> implements AutoCloseable {

    static final int CAPACITY = 10_000;

    private final Store<T> store;
    private final WatchParams<T> params;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
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

    void offer(WatchEvent event) {
        if (closed) {
            return;
        }
        if (queue.size() >= CAPACITY) {
            close();
            return;
        }
        queue.add(event);
        onEvents.run();
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
     * Waits up to {@code timeoutMillis} for events and returns all that are ready, converted (possibly
     * none, on timeout or when every change was filtered out).
     */
    public List<ApiWatchEvent> poll(long timeoutMillis) throws InterruptedException {
        List<ApiWatchEvent> out = new ArrayList<>();
        Object first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return out;
        }
        convert(first, out);
        Object next;
        while (out.size() < 1000 && (next = queue.poll()) != null) {
            convert(next, out);
        }
        return out;
    }

    private void convert(Object item, List<ApiWatchEvent> out) {
        if (item instanceof ApiWatchEvent e) {
            out.add(e);
            return;
        }
        WatchEvent e = (WatchEvent) item;
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
                    out.add(new ApiWatchEvent("DELETED", obj.object(), obj));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private boolean matches(SharedObject obj) {
        return params.matches((T) obj.object());
    }

    private static Object errorStatus(StorageException error) {
        if (error != null && error.code() == StorageException.Code.EXPIRED) {
            return StatusError.expired("too old resource version: " + error.getMessage()).status();
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

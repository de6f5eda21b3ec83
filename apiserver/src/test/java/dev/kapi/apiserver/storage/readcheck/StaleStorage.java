package dev.kapi.apiserver.storage.readcheck;

import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broken watch cache, to show that {@link ReadRace} notices one: gets and lists (but continued pages and
 * EXACT reads) answer the state {@code lag} revisions before the backend's current one, whatever they asked
 * for; each watch drops every {@code dropEvery}-th change (0: none). Never use it outside tests.
 */
public final class StaleStorage extends ForwardingStorage {

    private final long lag;
    private final int dropEvery;

    public StaleStorage(Storage backend, long lag, int dropEvery) {
        super(backend);
        this.lag = lag;
        this.dropEvery = dropEvery;
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        long at = delegate.currentRevision() - lag;
        if (lag == 0 || at < 1) {
            return delegate.get(key, options);
        }
        for (KeyValue kv : delegate.list(key.substring(0, key.lastIndexOf('/') + 1), ListOptions.exact(at, 0)).items()) {
            if (kv.key().equals(key)) {
                return kv;
            }
        }
        throw new StorageException(StorageException.Code.KEY_NOT_FOUND, key, "not found");
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        long at = delegate.currentRevision() - lag;
        ReadRevision.Match match = options.at().match();
        if (lag == 0 || at < 1 || match == ReadRevision.Match.CONTINUE || match == ReadRevision.Match.EXACT) {
            return delegate.list(prefix, options);
        }
        return delegate.list(prefix, ListOptions.exact(at, options.limit()));
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        if (dropEvery == 0) {
            return delegate.watch(prefixOrKey, options, listener);
        }
        AtomicInteger changes = new AtomicInteger();
        return delegate.watch(prefixOrKey, options, event -> {
            boolean change = event.type() != WatchEvent.Type.PROGRESS && event.type() != WatchEvent.Type.ERROR;
            if (!change || changes.incrementAndGet() % dropEvery != 0) {
                listener.onEvent(event);
            }
        });
    }

    /** Leaves the backend open, as a watch cache would. */
    @Override
    public void close() {
    }
}

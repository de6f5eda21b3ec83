package dev.kapi.apiserver.storage;

import java.time.Duration;

/**
 * A {@link Storage} that passes every call to another, unchanged: the base of a decorator, which overrides
 * only what it changes (a watch cache: {@code get} and {@code list} by their {@link ReadRevision}, and
 * {@code watch}). {@link Storage#get(String)} is not forwarded on its own: it reaches
 * {@link #get(String, GetOptions)} here, so a decorator sees the options of every read. Nor are the writes
 * with a cached entry ({@link Storage#guaranteedUpdate(String, Preconditions, boolean, UpdateFunction, KeyValue)},
 * {@link Storage#delete(String, Preconditions, KeyValue)}): they reach the plain write here, dropping the entry,
 * so a decorator that changes writes is never passed by; one that may pass the entry on overrides them.
 */
public abstract class ForwardingStorage implements Storage {

    protected final Storage delegate;

    protected ForwardingStorage(Storage delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("nothing to forward to");
        }
        this.delegate = delegate;
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return delegate.create(key, value);
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        return delegate.get(key, options);
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        return delegate.list(prefix, options);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return delegate.guaranteedUpdate(key, preconditions, ignoreNotFound, update);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return delegate.delete(key, preconditions);
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        return delegate.watch(prefixOrKey, options, listener);
    }

    @Override
    public long currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public long sizeBytes() {
        return delegate.sizeBytes();
    }

    @Override
    public void compact(long revision) {
        delegate.compact(revision);
    }

    @Override
    public boolean answersProgressRequests() {
        return delegate.answersProgressRequests();
    }

    @Override
    public boolean awaitCached(String prefix, long revision, Duration timeout) throws InterruptedException {
        return delegate.awaitCached(prefix, revision, timeout);
    }

    @Override
    public boolean isHealthy() {
        return delegate.isHealthy();
    }

    @Override
    public boolean hasSpace() {
        return delegate.hasSpace();
    }

    /** Closes the storage behind (the registry never closes a resource's storage; the backend's owner does). */
    @Override
    public void close() {
        delegate.close();
    }
}

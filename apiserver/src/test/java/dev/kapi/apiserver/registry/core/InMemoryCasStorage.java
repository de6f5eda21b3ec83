package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough of {@link Storage} for allocator unit tests: get, create and a guaranteedUpdate (with its preconditions) that re-runs the
 * function when a compare-and-swap on the entry loses a race (like etcd's). Lists and watches are not needed.
 */
final class InMemoryCasStorage implements Storage {

    private final ConcurrentHashMap<String, KeyValue> data = new ConcurrentHashMap<>();
    private final AtomicLong revision = new AtomicLong();
    final AtomicLong casFailures = new AtomicLong();

    @Override
    public KeyValue create(String key, byte[] value) {
        long rev = revision.incrementAndGet();
        KeyValue kv = new KeyValue(key, value, rev, rev);
        if (data.putIfAbsent(key, kv) != null) {
            throw new StorageException(StorageException.Code.KEY_EXISTS, key, "exists");
        }
        return kv;
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        KeyValue kv = data.get(key);
        if (kv == null) {
            throw new StorageException(StorageException.Code.KEY_NOT_FOUND, key, "not found");
        }
        return kv;
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound, UpdateFunction update) {
        while (true) {
            KeyValue current = data.get(key);
            if (current == null && !ignoreNotFound) {
                throw new StorageException(StorageException.Code.KEY_NOT_FOUND, key, "not found");
            }
            if (current != null) {
                preconditions.check(current);
            }
            byte[] next = update.apply(current);
            Thread.yield();
            if (current != null && Arrays.equals(next, current.value())) {
                return current;
            }
            long rev = revision.incrementAndGet();
            KeyValue written = new KeyValue(key, next, current == null ? rev : current.createRevision(), rev);
            boolean swapped = current == null ? data.putIfAbsent(key, written) == null : data.replace(key, current, written);
            if (swapped) {
                return written;
            }
            casFailures.incrementAndGet();
        }
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        KeyValue kv = data.remove(key);
        if (kv == null) {
            throw new StorageException(StorageException.Code.KEY_NOT_FOUND, key, "not found");
        }
        return kv;
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        throw new UnsupportedOperationException("not needed by allocator tests");
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        throw new UnsupportedOperationException("not needed by allocator tests");
    }

    @Override
    public long currentRevision() {
        return revision.get();
    }

    @Override
    public void compact(long revision) {
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {
    }
}

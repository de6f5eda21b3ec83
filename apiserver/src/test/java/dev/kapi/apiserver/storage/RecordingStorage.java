package dev.kapi.apiserver.storage;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A pass-through decorator that records every read it forwards (the key or prefix and the options object
 * exactly as it received them) and every watch's start, for tests of what reaches storage.
 */
public final class RecordingStorage extends ForwardingStorage {

    /** One call: {@code op} is get, list or watch; {@code options} the options object passed on. */
    public record Call(String op, String key, Object options) {
    }

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

    public RecordingStorage(Storage delegate) {
        super(delegate);
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        calls.add(new Call("get", key, options));
        return delegate.get(key, options);
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        calls.add(new Call("list", prefix, options));
        return delegate.list(prefix, options);
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        calls.add(new Call("watch", prefixOrKey, options));
        return delegate.watch(prefixOrKey, options, listener);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls under {@code prefix}, in order. */
    public List<Call> callsUnder(String prefix) {
        return calls().stream().filter(c -> c.key().startsWith(prefix)).toList();
    }

    public void clear() {
        calls.clear();
    }
}

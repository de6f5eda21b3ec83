package dev.kapi.apiserver.storage;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A storage that tells a {@link StorageObserver} how long each read and write took (watches are not timed:
 * they last as long as their client). Everything else passes through unchanged.
 */
public final class ObservedStorage extends ForwardingStorage {

    private final StorageObserver observer;
    private final String registryPrefix;

    /**
     * @param registryPrefix the key prefix resources are stored under ({@code --etcd-prefix}, e.g.
     *                       {@code /registry}); keys outside it are typed by their first segment
     */
    public ObservedStorage(Storage delegate, StorageObserver observer, String registryPrefix) {
        super(delegate);
        this.observer = observer;
        this.registryPrefix = registryPrefix.endsWith("/") ? registryPrefix : registryPrefix + "/";
    }

    /**
     * kube's {@code type} label for a key: {@code /registry/pods/ns/p} → {@code pods},
     * {@code /registry/apps/deployments/ns/d} → {@code deployments.apps} (a group has a dot, or is one of the
     * few dotless built-in groups, and is followed by its resource).
     */
    public String typeOf(String key) {
        String rest = key.startsWith(registryPrefix) ? key.substring(registryPrefix.length())
                : key.replaceFirst("^/+", "");
        String[] parts = rest.split("/", 3);
        if (parts.length >= 3 && isGroup(parts[0])) {
            return parts[1] + "." + parts[0];
        }
        return parts[0].isEmpty() ? "unknown" : parts[0];
    }

    private static boolean isGroup(String segment) {
        return segment.contains(".") || switch (segment) {
            case "apps", "batch", "autoscaling", "policy" -> true;
            default -> false;
        };
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return timed("create", key, () -> delegate.create(key, value));
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        return timed("get", key, () -> delegate.get(key, options));
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        return timed("list", prefix, () -> delegate.list(prefix, options));
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return timed("update", key, () -> delegate.guaranteedUpdate(key, preconditions, ignoreNotFound, update));
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update, KeyValue cached) {
        return timed("update", key,
                () -> delegate.guaranteedUpdate(key, preconditions, ignoreNotFound, update, cached));
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return timed("delete", key, () -> delegate.delete(key, preconditions));
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions, KeyValue cached) {
        return timed("delete", key, () -> delegate.delete(key, preconditions, cached));
    }

    @Override
    public void compact(long revision) {
        long start = System.nanoTime();
        try {
            delegate.compact(revision);
        } finally {
            report("compact", "compact", start);
        }
    }

    private <T> T timed(String operation, String key, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            report(operation, typeOf(key), start);
        }
    }

    private void report(String operation, String type, long start) {
        try {
            observer.observe(operation, type, Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            // an observer that fails must not turn a storage call into a failure
        }
    }
}

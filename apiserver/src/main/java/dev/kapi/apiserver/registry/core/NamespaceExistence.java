package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.admission.NamespaceLifecycle;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Answers NamespaceLifecycle from the namespaces' store. A namespace found is trusted for one second,
 * so a burst of creates in one namespace reads it from storage about once a second (kube-apiserver reads
 * an informer cache, which lags the same way); a namespace not found is read again every time, so a
 * namespace just created is seen at once.
 */
public final class NamespaceExistence implements NamespaceLifecycle.Namespaces {

    static final long TRUST_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Store<Namespace> namespaces;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Long> foundAt = new ConcurrentHashMap<>();

    public NamespaceExistence(Store<Namespace> namespaces) {
        this(namespaces, System::nanoTime);
    }

    NamespaceExistence(Store<Namespace> namespaces, LongSupplier nanoTime) {
        this.namespaces = namespaces;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean exists(String name) {
        long now = nanoTime.getAsLong();
        Long seen = foundAt.get(name);
        if (seen != null && now - seen < TRUST_NANOS) {
            return true;
        }
        try {
            namespaces.get("", name);
            foundAt.put(name, now);
            return true;
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
            foundAt.remove(name);
            return false;
        }
    }
}

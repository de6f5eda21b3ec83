package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.admission.NamespaceLifecycle;
import dev.kapi.apiserver.admission.NamespaceLifecycle.Phase;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Answers NamespaceLifecycle from the namespaces' store, as kube's plugin answers from its informer: a namespace
 * is first read with resourceVersion "0" (the watch cache's copy, which follows storage within moments and costs
 * no round trip to it), and only one the cache lacks (created a moment ago, or gone) is read consistently. An
 * answer found is trusted for one second; a namespace not found is read again every time, so a namespace just
 * created is seen at once, and for {@value #LIVE_SECONDS} s after a delete of a namespace through this server its
 * answers are read consistently (kube's "force live lookup"), so that a create right after the delete sees it
 * Terminating. Another server may still answer from its cache or its last second; the namespace controller
 * ({@code controllers/NamespaceCleanup}) waits longer than that before it checks that a deleted namespace is
 * empty, so a create let through on a stale answer is still removed.
 */
public final class NamespaceExistence implements NamespaceLifecycle.Namespaces {

    public static final long TRUST_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long LIVE_SECONDS = 30;

    private record Seen(long at, Phase phase) {
    }

    private final Store<Namespace> namespaces;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> liveSince = new ConcurrentHashMap<>();

    public NamespaceExistence(Store<Namespace> namespaces) {
        this(namespaces, System::nanoTime);
    }

    NamespaceExistence(Store<Namespace> namespaces, LongSupplier nanoTime) {
        this.namespaces = namespaces;
        this.nanoTime = nanoTime;
    }

    @Override
    public Phase phase(String name) {
        long now = nanoTime.getAsLong();
        Seen last = seen.get(name);
        boolean live = readLive(name, now);
        if (last != null && now - last.at() < TRUST_NANOS && !live) {
            return last.phase();
        }
        Namespace ns = live ? find(name) : namespaces.lookup("", name);
        if (ns == null) {
            seen.remove(name);
            return Phase.MISSING;
        }
        Phase phase = ns.getMetadata().getDeletionTimestamp() == null ? Phase.ACTIVE : Phase.TERMINATING;
        seen.put(name, new Seen(now, phase));
        return phase;
    }

    /** The namespace as stored now, or null when not found. */
    private Namespace find(String name) {
        try {
            return namespaces.get("", name);
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
            return null;
        }
    }

    @Override
    public void deleting(String name) {
        long now = nanoTime.getAsLong();
        liveSince.values().removeIf(since -> now - since >= TimeUnit.SECONDS.toNanos(LIVE_SECONDS));
        liveSince.put(name, now);
    }

    private boolean readLive(String name, long now) {
        Long since = liveSince.get(name);
        if (since == null) {
            return false;
        }
        if (now - since < TimeUnit.SECONDS.toNanos(LIVE_SECONDS)) {
            return true;
        }
        liveSince.remove(name, since);
        return false;
    }
}

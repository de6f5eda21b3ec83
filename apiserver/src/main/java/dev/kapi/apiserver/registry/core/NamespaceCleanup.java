package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for kube-controller-manager's namespace controller until controllers arrive: a namespace
 * being deleted (deletionTimestamp set, phase Terminating) is emptied resource by resource; once nothing
 * is left in it, the {@code kubernetes} finalizer is removed from its {@code spec.finalizers} (as PUT
 * {@code /finalize} does) and the namespace goes when nothing else holds it. What still keeps it is told in
 * its status conditions ({@link NamespaceDeletionStatus}). It writes through the {@link WritePipeline} as
 * kube's namespace controller ({@link SystemUsers#NAMESPACE_CONTROLLER}). It runs for a namespace as
 * soon as its deletion starts and, for what that missed (a restart, another server, content still held by
 * its own finalizers), on every resync. Every step is idempotent, so several servers may run it at once.
 */
public final class NamespaceCleanup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceCleanup.class);
    /** Longer than NamespaceExistence trusts an answer: a create let through on a stale one is caught. */
    static final Duration SETTLE = Duration.ofNanos(NamespaceExistence.TRUST_NANOS).plusMillis(500);
    static final Duration RESYNC = Duration.ofSeconds(5);
    /** The longest wait between looks at a namespace whose content finalizers hold. */
    static final Duration MAX_WAIT = Duration.ofMinutes(1);
    /** How long {@link #close} waits for the resync thread to end. */
    static final Duration STOP_WAIT = Duration.ofSeconds(1);

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final Store<Namespace> namespaces; // null when the registry serves no namespaces (some tests)
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Namespaces whose content finalizers hold: looked at again after a wait that doubles up to a minute. */
    private final ConcurrentHashMap<String, Backoff> held = new ConcurrentHashMap<>();

    private record Backoff(long dueNanos, long waitNanos) {
        static Backoff first() {
            return new Backoff(System.nanoTime() + RESYNC.toNanos(), RESYNC.toNanos());
        }

        Backoff longer() {
            long wait = Math.min(waitNanos * 2, MAX_WAIT.toNanos());
            return new Backoff(System.nanoTime() + wait, wait);
        }

        boolean due(long now) {
            return now - dueNanos >= 0;
        }
    }

    private volatile Thread resync;
    private volatile boolean closed;

    private final java.util.function.Consumer<Duration> settle;

    public NamespaceCleanup(StoreRegistry stores, WritePipeline writes) {
        this(stores, writes, NamespaceCleanup::sleep);
    }

    /** With {@code settle} in place of the wait between the two passes (tests act there). */
    NamespaceCleanup(StoreRegistry stores, WritePipeline writes, java.util.function.Consumer<Duration> settle) {
        this.stores = stores;
        this.writes = writes;
        this.settle = settle;
        this.namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElse(null);
    }

    /** Starts the periodic resync (namespaces left Terminating are taken up again). */
    public synchronized void start() {
        if (resync == null && namespaces != null) {
            resync = Thread.ofVirtual().name("namespace-cleanup-resync").start(this::resyncLoop);
        }
    }

    /** Starts emptying and finalizing the namespace in the background, unless that already runs here. */
    public void cleanupLater(String namespace) {
        if (!closed && namespaces != null && running.add(namespace)) {
            Thread.ofVirtual().name("namespace-cleanup-" + namespace).start(() -> {
                try {
                    if (finish(namespace)) {
                        held.remove(namespace);
                    } else {
                        held.merge(namespace, Backoff.first(), (was, first) -> was.longer());
                    }
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.warn("namespace {} not cleaned up yet: {}", namespace, e.toString());
                    }
                } finally {
                    running.remove(namespace);
                }
            });
        }
    }

    private void resyncLoop() {
        while (!closed) {
            try {
                Thread.sleep(RESYNC);
                long now = System.nanoTime();
                Set<String> terminating = new java.util.HashSet<>();
                for (Namespace ns : namespaces.list(null, ListParams.all()).items()) {
                    String name = ns.getMetadata().getName();
                    Backoff wait = held.get(name);
                    if (ns.getMetadata().getDeletionTimestamp() != null) {
                        terminating.add(name);
                        if (wait == null || wait.due(now)) {
                            cleanupLater(name);
                        }
                    }
                }
                held.keySet().retainAll(terminating); // gone meanwhile (finished by another server)
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("namespace resync failed: {}", e.toString());
            }
        }
    }

    /**
     * Empties a terminating namespace and releases it; true when it is released (or gone), false while
     * content held by finalizers remains (the next resync tries again). Works on the namespace it first
     * read only: if that one is released and the name created again meanwhile, the new one is left alone.
     */
    public boolean finish(String name) {
        Namespace ns = current(name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
            return true;
        }
        String uid = ns.getMetadata().getUid();
        if (NamespaceStrategy.specFinalizers(ns).contains(NamespaceStrategy.KUBERNETES_FINALIZER)) {
            deleteContent(name);
            settle.accept(SETTLE);
            Namespace again = current(name);
            if (again == null || !uid.equals(again.getMetadata().getUid())) {
                return true;
            }
            NamespaceDeletionStatus left = deleteContent(name);
            if (!report(again, left)) {
                return true;
            }
            if (!left.empty()) {
                return false;
            }
            ns = finalizeKubernetes(name, uid);
            if (ns == null) {
                return true;
            }
        }
        if (NamespaceStrategy.specFinalizers(ns).isEmpty()) {
            try {
                writes.delete(as(namespaces, null), name, OperationOptions.deleteWithUid(uid));
            } catch (StatusError e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
        return true;
    }

    /** Deletes everything in the namespace; what is left (held by finalizers, or failed). */
    private NamespaceDeletionStatus deleteContent(String namespace) {
        NamespaceDeletionStatus status = new NamespaceDeletionStatus();
        for (Store<?> store : stores.namespacedStores()) {
            try {
                deleteAll(store, namespace, status);
            } catch (RuntimeException e) {
                LOG.warn("could not empty {} in namespace {}: {}", store.definition().resource(), namespace,
                        e.getMessage());
                status.failed(store.definition().groupResource() + ": " + e.getMessage());
            }
        }
        return status;
    }

    private <T extends HasMetadata> void deleteAll(Store<T> store, String namespace, NamespaceDeletionStatus status) {
        if (!store.definition().serves("deletecollection")) {
            return; // nothing stored (review APIs)
        }
        writes.deleteCollection(as(store, namespace), ListParams.all(), OperationOptions.delete());
        List<T> left = store.list(namespace, ListParams.all()).items();
        status.remaining(store.definition().resource() + "." + store.definition().group(), left.size(),
                left.stream().map(o -> o.getMetadata().getFinalizers() == null ? List.<String>of()
                        : o.getMetadata().getFinalizers()).toList());
    }

    /**
     * Writes the namespace's deletion conditions when they differ from what {@code read} has; false when
     * the namespace is gone or is another one by now.
     */
    private boolean report(Namespace read, NamespaceDeletionStatus status) {
        String uid = read.getMetadata().getUid();
        List<NamespaceCondition> before = read.getStatus() == null ? null : read.getStatus().getConditions();
        if (NamespaceDeletionStatus.same(status.conditions(before), before)) {
            return true;
        }
        try {
            writes.update(as(namespaces, null).subresource("status"), read.getMetadata().getName(), ns -> {
                if (!uid.equals(ns.getMetadata().getUid()) || ns.getMetadata().getDeletionTimestamp() == null) {
                    throw new NotOurs();
                }
                if (ns.getStatus() == null) {
                    ns.setStatus(new NamespaceStatus());
                    ns.getStatus().setPhase("Terminating");
                }
                ns.getStatus().setConditions(status.conditions(ns.getStatus().getConditions()));
                return ns;
            }, OperationOptions.update());
            return true;
        } catch (NotOurs e) {
            return false;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Removes the {@code kubernetes} spec finalizer of the terminating namespace with this uid; the namespace
     * after that, or null when it is gone or is another one by now.
     */
    private Namespace finalizeKubernetes(String name, String uid) {
        try {
            return writes.update(as(namespaces, null).subresource("finalize"), name, ns -> {
                if (!uid.equals(ns.getMetadata().getUid()) || ns.getMetadata().getDeletionTimestamp() == null) {
                    throw new NotOurs();
                }
                List<String> rest = new ArrayList<>(NamespaceStrategy.specFinalizers(ns));
                rest.remove(NamespaceStrategy.KUBERNETES_FINALIZER);
                ns.getSpec().setFinalizers(rest);
                return ns;
            }, OperationOptions.update());
        } catch (NotOurs e) {
            return null;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** A write of this controller's, under its identity. */
    private static <T extends HasMetadata> WriteScope<T> as(Store<T> store, String namespace) {
        return WriteScope.of(store, namespace, SystemUsers.NAMESPACE_CONTROLLER);
    }

    /** Ends the finalize update of a namespace that was replaced by another of the same name. */
    private static final class NotOurs extends RuntimeException {
        NotOurs() {
            super(null, null, false, false);
        }
    }

    private Namespace current(String name) {
        try {
            return namespaces.get(null, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Stops the resync (interrupted, waited for at most {@link #STOP_WAIT}); a namespace being emptied
     * meanwhile stops at its next storage call. No lock is held: {@code running} and {@code held} are
     * concurrent sets, and {@code start}'s monitor only guards starting the resync thread.
     */
    @Override
    public void close() {
        closed = true;
        Thread t = resync;
        if (t != null) {
            t.interrupt();
            try {
                t.join(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

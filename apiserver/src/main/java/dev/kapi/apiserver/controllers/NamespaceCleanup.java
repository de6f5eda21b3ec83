package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.DeletePropagation;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.NamespaceExistence;
import dev.kapi.apiserver.registry.core.NamespaceStrategy;
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

/**
 * What kube's namespace controller does to one namespace being deleted (deletionTimestamp set, phase
 * Terminating): it is emptied resource by resource, through every namespaced store as a client deletes each
 * collection; once nothing is left in it, the {@code kubernetes} finalizer is removed from its
 * {@code spec.finalizers} (as PUT {@code /finalize} does) and the namespace goes when nothing else holds it.
 * What still keeps it is told in its status conditions ({@link NamespaceDeletionStatus}). Every write goes
 * through the {@link WritePipeline} as kube's namespace controller ({@link SystemUsers#NAMESPACE_CONTROLLER}).
 * Every step is idempotent, so several servers may run it at once; {@link NamespaceController} decides when.
 */
final class NamespaceCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceCleanup.class);
    /** Longer than NamespaceExistence trusts an answer: a create let through on a stale one is caught. */
    static final Duration SETTLE = Duration.ofNanos(NamespaceExistence.TRUST_NANOS).plusMillis(500);

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final Store<Namespace> namespaces;
    private final java.util.function.Consumer<Duration> settle;

    NamespaceCleanup(StoreRegistry stores, WritePipeline writes) {
        this(stores, writes, NamespaceCleanup::sleep);
    }

    /** With {@code settle} in place of the wait between the two passes (tests act there). */
    NamespaceCleanup(StoreRegistry stores, WritePipeline writes, java.util.function.Consumer<Duration> settle) {
        this.stores = stores;
        this.writes = writes;
        this.settle = settle;
        this.namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
    }

    /**
     * Empties a terminating namespace and releases it; true when it is released (or gone), false while
     * content held by finalizers remains (the controller tries again later). Works on the namespace it first
     * read only: if that one is released and the name created again meanwhile, the new one is left alone.
     */
    boolean finish(String name) {
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
        // Background, as kube's namespace deleter: no orphan finalizer from a resource's default (jobs)
        writes.deleteCollection(as(store, namespace), ListParams.all(),
                OperationOptions.delete(DeletePropagation.BACKGROUND));
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
}

package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.DeletePropagation;
import dev.kapi.apiserver.registry.DeletionFinalizers;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * kube-controller-manager's garbage collector. Its {@link GarbageCollectorMonitors} keep the
 * {@link GarbageCollectorGraph} of owners and dependents from the ownerReferences of every object served
 * (custom resources too, as they come); its workers act on what the graph queues, each time against the live
 * objects ({@link GarbageCollectorObjects}), never the graph alone:
 *
 * <ul>
 * <li>{@code d:<uid>} (kube's attemptToDelete): an owner seen only in references is looked up; gone (or the
 *     name now another uid) it leaves the graph and its dependents are looked at. A dependent's owners are each
 *     looked up by name and checked by uid: when none is left (or the only ones left delete theirs in the
 *     foreground) it is deleted, by uid and resourceVersion, in the foreground when it has dependents of its
 *     own and an owner waits, else as its own GC finalizers say (Background without); references to
 *     owners that are gone are removed while another owner remains. An owner being deleted in the foreground
 *     has its blocking dependents ({@code blockOwnerDeletion}) deleted and loses its {@code foregroundDeletion}
 *     finalizer once none is left.
 * <li>{@code o:<uid>} (kube's attemptToOrphan): an owner deleted with Orphan has its references removed from
 *     every dependent, then its {@code orphan} finalizer.
 * </ul>
 *
 * A namespaced owner referenced from another namespace, or from a cluster-scoped object, is an invalid
 * reference as in kube: the first counts as absent, the second keeps the dependent (never collected); when
 * the owner was seen in another namespace the dependent gets kube's Warning Event {@code OwnerRefInvalidNamespace}. Nothing is done until every monitor has its first
 * list (kube waits for the graph to sync).
 */
final class GarbageCollector extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    /** kube's --concurrent-gc-syncs is 20; the work here is short reads and writes on virtual threads. */
    static final int WORKERS = 4;
    static final String INVALID_NAMESPACE = "OwnerRefInvalidNamespace";

    private final GarbageCollectorMonitors monitors;
    private final GarbageCollectorGraph graph;
    private final GarbageCollectorObjects objects;

    GarbageCollector(StoreRegistry stores, WritePipeline writes) {
        super("garbage-collector-controller", WORKERS, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)), List.of());
        this.objects = new GarbageCollectorObjects(stores, writes);
        this.graph = new GarbageCollectorGraph(uid -> queue.add("d:" + uid), uid -> queue.add("o:" + uid),
                this::reportInvalid);
        this.monitors = new GarbageCollectorMonitors(stores, graph);
    }

    GarbageCollectorMonitors monitors() {
        return monitors;
    }

    /** The graph as the monitors have built it so far. */
    GarbageCollectorGraph graph() {
        return graph;
    }

    @Override
    protected boolean reconcile(String key) {
        if (!monitors.synced()) {
            return false;
        }
        String uid = key.substring(2);
        return key.startsWith("o:") ? orphan(uid) : attemptToDelete(uid);
    }

    private boolean attemptToDelete(String uid) {
        GarbageCollectorGraph.View item = graph.view(uid);
        if (item == null || item.deleting() && !item.deletingDependents()) {
            return true; // deletion is a one-way trip: its dependents are looked at once it is gone
        }
        GarbageCollectorGraph.Identity id = item.identity();
        Optional<ResourceDefinition<?>> def = objects.resource(id.apiVersion(), id.kind());
        if (def.isEmpty()) {
            if (!item.virtual()) {
                return true;
            }
            LOG.debug("garbage collector: kind {} of {} is not served", id.kind(), id);
            return false; // kube retries a kind it cannot map
        }
        Optional<HasMetadata> latest = objects.get(def.get(), id.namespace(), id.name());
        if (latest.isEmpty() || !uid.equals(latest.get().getMetadata().getUid())) {
            graph.remove(uid); // kube's virtual delete event: the owner is absent
            return true;
        }
        if (item.deletingDependents()) {
            return deleteDependentsFirst(item, def.get(), latest.get());
        }
        List<OwnerReference> refs = latest.get().getMetadata().getOwnerReferences();
        if (refs == null || refs.isEmpty()) {
            return true;
        }
        List<OwnerReference> solid = new ArrayList<>();
        Set<String> dangling = new HashSet<>();
        Set<String> waiting = new HashSet<>();
        for (OwnerReference ref : refs) {
            switch (classify(ref, item)) {
                case SOLID -> solid.add(ref);
                case DANGLING -> dangling.add(ref.getUid());
                case WAITING -> waiting.add(ref.getUid());
                case INVALID_SCOPE -> {
                    return true; // a cluster-scoped object with a namespaced owner is never collected
                }
                case UNKNOWN -> {
                    return false;
                }
            }
        }
        HasMetadata obj = latest.get();
        if (!solid.isEmpty()) {
            Set<String> drop = new HashSet<>(dangling);
            drop.addAll(waiting);
            if (!drop.isEmpty()) {
                objects.removeOwnerReferences(def.get(), id.namespace(), id.name(), uid, drop);
            }
            return true;
        }
        String policy;
        if (!waiting.isEmpty() && !item.dependents().isEmpty()) {
            policy = DeletePropagation.FOREGROUND;
        } else if (has(obj, DeletionFinalizers.ORPHAN)) {
            policy = DeletePropagation.ORPHAN;
        } else if (has(obj, DeletionFinalizers.FOREGROUND)) {
            policy = DeletePropagation.FOREGROUND;
        } else {
            policy = DeletePropagation.BACKGROUND;
        }
        LOG.debug("garbage collector: deleting {} ({})", id, policy);
        return objects.delete(def.get(), obj, true, policy);
    }

    private enum Reference { SOLID, DANGLING, WAITING, INVALID_SCOPE, UNKNOWN }

    /** kube's isDangling and classifyReferences: the owner looked up live, by name, then checked by uid. */
    private Reference classify(OwnerReference ref, GarbageCollectorGraph.View item) {
        Optional<ResourceDefinition<?>> owner = objects.resource(ref.getApiVersion(), ref.getKind());
        if (owner.isEmpty()) {
            LOG.debug("garbage collector: owner kind {} {} of {} is not served", ref.getApiVersion(), ref.getKind(),
                    item.identity());
            return Reference.UNKNOWN;
        }
        if (owner.get().namespaced() && item.identity().namespace().isEmpty()) {
            return Reference.INVALID_SCOPE;
        }
        Optional<HasMetadata> live = objects.get(owner.get(), item.identity().namespace(), ref.getName());
        if (live.isEmpty() || !ref.getUid().equals(live.get().getMetadata().getUid())) {
            return Reference.DANGLING;
        }
        HasMetadata o = live.get();
        return o.getMetadata().getDeletionTimestamp() != null && has(o, DeletionFinalizers.FOREGROUND)
                ? Reference.WAITING : Reference.SOLID;
    }

    /** kube's processDeletingDependentsItem. */
    private boolean deleteDependentsFirst(GarbageCollectorGraph.View item, ResourceDefinition<?> def,
                                          HasMetadata latest) {
        List<GarbageCollectorGraph.View.Dependent> blocking = item.blocking();
        if (blocking.isEmpty()) {
            GarbageCollectorGraph.Identity id = item.identity();
            objects.removeFinalizer(def, id.namespace(), id.name(), latest.getMetadata().getUid(),
                    DeletionFinalizers.FOREGROUND);
            return true;
        }
        for (GarbageCollectorGraph.View.Dependent d : blocking) {
            if (!d.deletingDependents()) {
                queue.add("d:" + d.identity().uid());
            }
        }
        return true; // looked at again when a blocking dependent goes or stops blocking
    }

    /** kube's attemptToOrphanWorker: the owner's references leave its dependents, then its finalizer goes. */
    private boolean orphan(String uid) {
        GarbageCollectorGraph.View owner = graph.view(uid);
        if (owner == null || !owner.deleting()) {
            return true;
        }
        for (GarbageCollectorGraph.View.Dependent d : owner.dependents()) {
            GarbageCollectorGraph.Identity id = d.identity();
            objects.resource(id.apiVersion(), id.kind()).ifPresent(def ->
                    objects.removeOwnerReferences(def, id.namespace(), id.name(), id.uid(), Set.of(uid)));
        }
        GarbageCollectorGraph.Identity id = owner.identity();
        Optional<ResourceDefinition<?>> def = objects.resource(id.apiVersion(), id.kind());
        if (def.isEmpty()) {
            return true;
        }
        objects.removeFinalizer(def.get(), id.namespace(), id.name(), uid, DeletionFinalizers.ORPHAN);
        return true;
    }

    private void reportInvalid(GarbageCollectorGraph.Identity dependent, OwnerReference owner) {
        GarbageCollectorGraph.Identity ref = new GarbageCollectorGraph.Identity(owner.getApiVersion(), owner.getKind(),
                dependent.namespace(), owner.getName(), owner.getUid());
        String message = "ownerRef " + ref + " does not exist in namespace \"" + dependent.namespace() + "\"";
        LOG.info("garbage collector: {} references an owner in another namespace: {}", dependent, message);
        Thread.ofVirtual().name("garbage-collector-event").start(() -> {
            try {
                objects.warn(dependent, INVALID_NAMESPACE, message);
            } catch (RuntimeException e) {
                LOG.debug("garbage collector: event for {} not recorded: {}", dependent, e.toString());
            }
        });
    }

    private static boolean has(HasMetadata obj, String finalizer) {
        return obj.getMetadata().getFinalizers() != null && obj.getMetadata().getFinalizers().contains(finalizer);
    }
}

package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Preconditions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The garbage collector as a client of the registry: it reads objects live from their stores (kube's GC reads
 * through the metadata client) and writes through the {@link WritePipeline} as kube's controller
 * ({@link SystemUsers#GARBAGE_COLLECTOR}), so admission sees its writes. Every write names the object by uid:
 * an object of the same name made since is never touched.
 */
final class GarbageCollectorObjects {

    private final StoreRegistry stores;
    private final WritePipeline writes;

    GarbageCollectorObjects(StoreRegistry stores, WritePipeline writes) {
        this.stores = stores;
        this.writes = writes;
    }

    /** The resource serving objects of this apiVersion and kind (its version first, else another of its group). */
    Optional<ResourceDefinition<?>> resource(String apiVersion, String kind) {
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        List<ResourceDefinition<?>> all = stores.resources().snapshot().all();
        Optional<ResourceDefinition<?>> exact = all.stream().filter(d -> d.group().equals(group)
                && d.version().equals(version) && d.kind().equals(kind) && d.serves("get")).findFirst();
        return exact.isPresent() ? exact : all.stream().filter(d -> d.group().equals(group)
                && d.kind().equals(kind) && d.serves("get")).findFirst();
    }

    /** The live object, or empty when there is none of that name (in {@code namespace} if namespaced). */
    Optional<HasMetadata> get(ResourceDefinition<?> def, String namespace, String name) {
        Store<HasMetadata> store = store(def);
        if (def.namespaced() && (namespace == null || namespace.isEmpty())) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.get(def.namespaced() ? namespace : null, name));
        } catch (StatusError e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Deletes the object with this uid (and resourceVersion, when given) with the propagation policy; false
     * when it changed meanwhile (409: to be looked at again). Gone already counts as deleted.
     */
    boolean delete(ResourceDefinition<?> def, HasMetadata obj, boolean atVersion, String policy) {
        DeleteOptions options = OperationOptions.delete(policy);
        Preconditions p = new Preconditions();
        p.setUid(obj.getMetadata().getUid());
        if (atVersion) {
            p.setResourceVersion(obj.getMetadata().getResourceVersion());
        }
        options.setPreconditions(p);
        try {
            writes.delete(scope(def, obj.getMetadata().getNamespace()), obj.getMetadata().getName(), options);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return true;
            }
            if (e.code() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the references to these owner uids from the object with this uid; nothing when gone or replaced. */
    void removeOwnerReferences(ResourceDefinition<?> def, String namespace, String name, String uid,
                               Set<String> ownerUids) {
        update(def, namespace, name, uid, meta -> {
            List<OwnerReference> refs = meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences();
            List<OwnerReference> kept = new ArrayList<>(refs.stream().filter(r -> !ownerUids.contains(r.getUid())).toList());
            if (kept.size() == refs.size()) {
                return false;
            }
            meta.setOwnerReferences(kept);
            return true;
        });
    }

    /** Removes a finalizer from the object with this uid (which then goes when it was its last). */
    void removeFinalizer(ResourceDefinition<?> def, String namespace, String name, String uid, String finalizer) {
        update(def, namespace, name, uid, meta -> {
            if (meta.getFinalizers() == null || !meta.getFinalizers().contains(finalizer)) {
                return false;
            }
            List<String> rest = new ArrayList<>(meta.getFinalizers());
            rest.removeIf(finalizer::equals);
            meta.setFinalizers(rest);
            return true;
        });
    }

    /** Records a Warning Event about {@code involved}, as kube's event recorder for the garbage collector. */
    void warn(GarbageCollectorGraph.Identity involved, String reason, String message) {
        Optional<Store<Event>> events = stores.find("", "v1", "events", Event.class);
        if (events.isEmpty()) {
            return;
        }
        String namespace = involved.namespace().isEmpty() ? "default" : involved.namespace();
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Event e = new Event();
        e.setMetadata(new ObjectMeta());
        e.getMetadata().setName(involved.name() + "." + Long.toHexString(System.nanoTime()));
        ObjectReference ref = new ObjectReference();
        ref.setApiVersion(involved.apiVersion());
        ref.setKind(involved.kind());
        ref.setNamespace(involved.namespace().isEmpty() ? null : involved.namespace());
        ref.setName(involved.name());
        ref.setUid(involved.uid());
        e.setInvolvedObject(ref);
        e.setType("Warning");
        e.setReason(reason);
        e.setMessage(message);
        EventSource source = new EventSource();
        source.setComponent("garbage-collector-controller");
        e.setSource(source);
        e.setFirstTimestamp(now);
        e.setLastTimestamp(now);
        e.setCount(1);
        writes.create(WriteScope.of(events.get(), namespace, SystemUsers.GARBAGE_COLLECTOR), e,
                OperationOptions.create());
    }

    private interface MetaChange {
        /** Changes the metadata; false when nothing is to change (no write). */
        boolean apply(ObjectMeta meta);
    }

    private void update(ResourceDefinition<?> def, String namespace, String name, String uid, MetaChange change) {
        try {
            writes.update(scope(def, namespace), name, obj -> {
                if (!uid.equals(obj.getMetadata().getUid()) || !change.apply(obj.getMetadata())) {
                    throw new NothingToDo();
                }
                return obj;
            }, OperationOptions.update());
        } catch (NothingToDo e) {
            // replaced by another object of the name, or already as wanted
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    private WriteScope<HasMetadata> scope(ResourceDefinition<?> def, String namespace) {
        return WriteScope.of(store(def), def.namespaced() ? namespace : null, SystemUsers.GARBAGE_COLLECTOR);
    }

    @SuppressWarnings("unchecked")
    private Store<HasMetadata> store(ResourceDefinition<?> def) {
        Store<?> store = stores.store(def);
        if (store == null) {
            store = stores.lookup(def.group(), def.version(), def.resource())
                    .orElseThrow(() -> new IllegalStateException(def.groupResource() + " is no longer served"))
                    .store();
        }
        return (Store<HasMetadata>) store;
    }

    /** Ends an update that has nothing to write. */
    private static final class NothingToDo extends RuntimeException {
        NothingToDo() {
            super(null, null, false, false);
        }
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deletes for the {@link Store}: an object nothing holds is deleted with a compare on its revision; one
 * that metadata.finalizers or its strategy hold (a namespace), or that the delete's propagation gives a
 * garbage collector's finalizer ({@link DeletionFinalizers}), is only marked, deletionTimestamp set, and
 * goes with the update that releases it. A type with graceful deletion (pods: {@link GracefulDeletion}) is
 * marked for its grace period instead, and goes with a later delete of grace period 0 (the kubelet's).
 */
final class StoreDeleter<T extends HasMetadata> {

    /** Tries of a delete without preconditions whose object keeps changing under it. */
    static final int MAX_ATTEMPTS = 32;

    private final Store<T> store;

    StoreDeleter(Store<T> store) {
        this.store = store;
    }

    /**
     * Whether a delete only marks the object: metadata.finalizers hold it, or its strategy does (a namespace
     * is first marked Terminating and goes once its spec.finalizers are gone).
     */
    private boolean held(T obj) {
        List<String> finalizers = obj.getMetadata().getFinalizers();
        return (finalizers != null && !finalizers.isEmpty()) || store.definition().strategy().deletionHeld(obj);
    }

    /**
     * An object being deleted goes once nothing holds it any more (its last finalizer was removed), unless it
     * is in a grace period: then the delete that ends it (grace period 0) removes it.
     */
    T finishIfReleased(String key, T updated, long revision) {
        ObjectMeta meta = updated.getMetadata();
        if (meta.getDeletionTimestamp() == null || held(updated) || GracefulDeletion.inGracePeriod(meta)) {
            return updated;
        }
        try {
            store.storage().delete(key, Preconditions.resourceVersion(revision));
            store.definition().strategy().afterDelete(updated);
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND && e.code() != StorageException.Code.CONFLICT) {
                throw store.error(e, meta.getName());
            }
        }
        return updated;
    }

    /**
     * Deletes one object. One with finalizers, or to which the delete's propagation gives the garbage
     * collector's ({@code orphan}, {@code foregroundDeletion}: {@link DeletionFinalizers}), is only marked
     * (deletionTimestamp set, those finalizers written) and stays until its last finalizer is removed. A
     * delete of an object already being deleted may still change its GC finalizers, as in kube.
     */
    Store.DeleteResult<T> delete(String namespace, String name, Preconditions preconditions, WriteOptions options) {
        String key = store.key(namespace, name);
        // as kube's conditional delete, one without a resourceVersion precondition tries again when the object
        // changed under it, and validates (admits) the delete again on what it then reads; unlike kube, a
        // bounded number of times (then 409 Conflict): a store that keeps reading stale costs a client an
        // error, not a server thread spinning forever
        for (int attempt = 1; ; attempt++) {
            Store.DeleteResult<T> result = deleteOnce(key, name, preconditions, options,
                    attempt < MAX_ATTEMPTS && preconditions.resourceVersion() == null);
            if (result != null) {
                return result;
            }
        }
    }

    /**
     * One attempt; null when the object changed under it (a conflict) and {@code retry} allows another. Every
     * write it makes is pinned to the revision it read and validated, whatever the caller's preconditions: a
     * change in between is a conflict, never a delete that admission did not see.
     */
    private Store.DeleteResult<T> deleteOnce(String key, String name, Preconditions preconditions,
                                             WriteOptions options, boolean retry) {
        try {
            KeyValue current = store.storage().get(key, GetOptions.FROM_STORAGE); // what the delete is conditioned on
            checkRequested(preconditions, current, name);
            T old = store.decode(current);
            options.validation().validate(null, old);
            GracefulDeletion grace = GracefulDeletion.of(store.definition().strategy(), old,
                    options.gracePeriodSeconds());
            if (grace.pending()) {
                return new Store.DeleteResult<>(old, false); // as kube: not even its finalizers change
            }
            Preconditions deleteIf = new Preconditions(preconditions.uid(), current.modRevision());
            KeyValue startFrom = current; // the entry just read is where the delete starts: no second read
            if (!grace.immediate() || held(old) || DeletionFinalizers.changes(old.getMetadata().getFinalizers(),
                    options.propagation(), policy())) {
                Marked<T> marked = markDeleting(key, old, current, deleteIf, options);
                if (marked.object() != null) {
                    return new Store.DeleteResult<>(marked.object(), false);
                }
                deleteIf = new Preconditions(preconditions.uid(), marked.revision());
                if (marked.revision() != current.modRevision()) {
                    startFrom = null; // it changed while being marked: the delete reads it
                }
            }
            if (options.dryRun()) {
                return new Store.DeleteResult<>(old, true);
            }
            KeyValue deleted = store.storage().delete(key, deleteIf, startFrom);
            store.definition().strategy().afterDelete(old);
            return new Store.DeleteResult<>(store.decode(deleted), true);
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.CONFLICT && retry) {
                return null;
            }
            throw store.error(e, name);
        }
    }

    /** The caller's own preconditions: a mismatch is their 409, never tried again. */
    private void checkRequested(Preconditions preconditions, KeyValue current, String name) {
        try {
            preconditions.check(current);
        } catch (StorageException e) {
            throw store.error(e, name);
        }
    }

    private GarbageCollectionPolicy policy() {
        return store.definition().strategy().defaultGarbageCollectionPolicy();
    }

    /** The marked object, or (object null) the revision at which nothing held it: it is to be deleted now. */
    private record Marked<T>(T object, long revision) {
    }

    /**
     * Writes the GC finalizers the delete asks for and marks the object deleting (kube's
     * {@code updateForGracefulDeletionAndFinalizers}); when it is then held by nothing, nothing is written and
     * the caller deletes it.
     */
    private Marked<T> markDeleting(String key, T old, KeyValue read, Preconditions preconditions,
                                   WriteOptions options) {
        if (options.dryRun()) {
            return prepared(old, options) ? new Marked<>(old, 0) : new Marked<>(null, 0);
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicLong deleteAt = new AtomicLong(-1);
        KeyValue kv;
        try {
            kv = store.storage().guaranteedUpdate(key, preconditions, false, current -> {
                T obj = store.decode(current);
                ObjectMeta meta = obj.getMetadata();
                List<Object> before = deletionFields(meta);
                if (!prepared(obj, options)) {
                    deleteAt.set(current.modRevision());
                    throw new DeleteNow();
                }
                result.set(obj);
                if (before.get(0) != null && before.equals(deletionFields(meta))) {
                    throw new Unchanged(current.modRevision());
                }
                return store.encode(obj);
            }, read); // starts from the entry just read: one read fewer
        } catch (DeleteNow e) {
            return new Marked<>(null, deleteAt.get());
        } catch (Unchanged e) {
            T same = result.get();
            same.getMetadata().setResourceVersion(Long.toString(e.revision));
            return new Marked<>(same, e.revision);
        }
        T marked = result.get();
        marked.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
        return new Marked<>(marked, kv.modRevision());
    }

    /** What a delete may change of an object already being deleted: when none changes, nothing is written. */
    private static List<Object> deletionFields(ObjectMeta meta) {
        return java.util.Arrays.asList(meta.getDeletionTimestamp(), meta.getDeletionGracePeriodSeconds(),
                meta.getFinalizers() == null ? null : List.copyOf(meta.getFinalizers()));
    }

    /**
     * Gives {@code obj} the finalizers the delete asks for and marks it deleting when its grace period or
     * something holding it keeps it; false (obj's finalizers changed only) when it is to go now. A graceful
     * deletion already pending changes nothing.
     */
    private boolean prepared(T obj, WriteOptions options) {
        ObjectMeta meta = obj.getMetadata();
        GracefulDeletion grace = GracefulDeletion.of(store.definition().strategy(), obj, options.gracePeriodSeconds());
        if (grace.pending()) {
            return true;
        }
        if (DeletionFinalizers.changes(meta.getFinalizers(), options.propagation(), policy())) {
            meta.setFinalizers(DeletionFinalizers.after(meta.getFinalizers(), options.propagation(), policy()));
        }
        boolean wasDeleting = meta.getDeletionTimestamp() != null;
        if (grace.graceful() && (grace.period() > 0 || held(obj))) {
            grace.mark(meta);
        } else if (!held(obj)) {
            return false;
        } else if (!wasDeleting) {
            ObjectMetaLifecycle.markDeleting(meta);
        }
        if (!wasDeleting) {
            store.definition().strategy().prepareForDeletion(obj);
        }
        return true;
    }

    /** Ends the marking update of an object nothing holds: it is deleted instead. */
    private static final class DeleteNow extends RuntimeException {
        DeleteNow() {
            super(null, null, false, false);
        }
    }

    /** Ends the marking update of an object already being deleted with these finalizers: nothing to write. */
    private static final class Unchanged extends RuntimeException {
        final long revision;

        Unchanged(long revision) {
            super(null, null, false, false);
            this.revision = revision;
        }
    }

    /** Deletes every object the params select, one by one (as kube-apiserver's DeleteCollection). */
    List<T> deleteCollection(String namespace, ListParams<T> params, WriteOptions options) {
        List<T> deleted = new ArrayList<>();
        for (T obj : store.lister().listAll(namespace, params)) {
            try {
                deleted.add(delete(namespace == null ? obj.getMetadata().getNamespace() : namespace,
                        obj.getMetadata().getName(), Preconditions.NONE, options).object());
            } catch (StatusError e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        return deleted;
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deletes for the {@link Store}: an object nothing holds is deleted with a compare on its revision; one
 * that metadata.finalizers or its strategy hold (a namespace) is only marked, deletionTimestamp set, and
 * goes with the update that releases it.
 */
final class StoreDeleter<T extends HasMetadata> {

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

    /** An object being deleted goes once nothing holds it any more (its last finalizer was removed). */
    T finishIfReleased(String key, T updated, long revision) {
        ObjectMeta meta = updated.getMetadata();
        if (meta.getDeletionTimestamp() == null || held(updated)) {
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
     * Deletes one object. One with finalizers is only marked (deletionTimestamp set) and stays until its
     * last finalizer is removed.
     */
    Store.DeleteResult<T> delete(String namespace, String name, Preconditions preconditions, WriteOptions options) {
        String key = store.key(namespace, name);
        try {
            KeyValue current = store.storage().get(key);
            preconditions.check(current);
            T old = store.decode(current);
            options.validation().validate(null, old);
            if (held(old)) {
                return new Store.DeleteResult<>(markDeleting(namespace, name, old, preconditions, options), false);
            }
            if (options.dryRun()) {
                return new Store.DeleteResult<>(old, true);
            }
            KeyValue deleted = store.storage().delete(key, preconditions.isEmpty()
                    ? Preconditions.resourceVersion(current.modRevision()) : preconditions);
            store.definition().strategy().afterDelete(old);
            return new Store.DeleteResult<>(store.decode(deleted), true);
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.CONFLICT && preconditions.isEmpty()) {
                return delete(namespace, name, preconditions, options);
            }
            throw store.error(e, name);
        }
    }

    private T markDeleting(String namespace, String name, T old, Preconditions preconditions, WriteOptions options) {
        if (old.getMetadata().getDeletionTimestamp() != null) {
            return old;
        }
        if (options.dryRun()) {
            ObjectMetaLifecycle.markDeleting(old.getMetadata());
            store.definition().strategy().prepareForDeletion(old);
            return old;
        }
        AtomicReference<T> result = new AtomicReference<>();
        KeyValue kv = store.storage().guaranteedUpdate(store.key(namespace, name), preconditions, false, current -> {
            T obj = store.decode(current);
            if (obj.getMetadata().getDeletionTimestamp() == null) {
                ObjectMetaLifecycle.markDeleting(obj.getMetadata());
                store.definition().strategy().prepareForDeletion(obj);
            }
            result.set(obj);
            return store.encode(obj);
        });
        T marked = result.get();
        marked.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
        return marked;
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

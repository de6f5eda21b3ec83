package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store.Updater;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Updates for the {@link Store}: one compare-and-swap of the stored object ({@code Storage.guaranteedUpdate}),
 * the update computed again from the object read whenever another write came first. Each attempt runs the
 * resource's strategy (defaults, system fields kept, generation, validation) and the validating admission; what
 * a strategy reserved for an attempt that was not written is released. An update whose only change is the time of
 * managedFields entries writes nothing ({@link ManagedFieldsTimes}).
 */
final class StoreUpdater<T extends HasMetadata> {

    private final Store<T> store;
    private final ResourceDefinition<T> def;
    private final StoreDeleter<T> deleter;

    StoreUpdater(Store<T> store, StoreDeleter<T> deleter) {
        this.store = store;
        this.def = store.definition();
        this.deleter = deleter;
    }

    /** See {@link Store#update}. */
    T update(String namespace, String name, Updater<T> updater, String subresource, WriteOptions options) {
        boolean statusOnly = "status".equals(subresource);
        ResourceStrategy<T> strategy = subresource == null || statusOnly ? def.strategy()
                : def.strategy().subresourceStrategy(subresource);
        if (strategy == null) {
            throw StatusError.notFoundPath();
        }
        AtomicReference<T> result = new AtomicReference<>();
        // the attempt whose beforeUpdate reserved something: undone when it is not the one written
        AtomicReference<Attempt<T>> reserved = new AtomicReference<>();
        String key = store.key(namespace, name);
        try {
            KeyValue kv = store.storage().guaranteedUpdate(key, Preconditions.NONE, false, current -> {
                releaseUnwritten(reserved, strategy);
                T old = store.decode(current);
                T updated = prepareUpdate(current, old, updater, statusOnly, strategy, options);
                byte[] bytes = ManagedFieldsTimes.encode(updated, old, current.value(), store::encode);
                result.set(updated);
                if (options.dryRun()) {
                    throw new DryRunDone();
                }
                if (!statusOnly) {
                    reserved.set(new Attempt<>(updated, old));
                }
                return bytes;
            });
            T updated = result.get();
            updated.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
            Attempt<T> written = reserved.getAndSet(null);
            if (written != null) {
                strategy.afterUpdate(written.updated(), written.old());
            }
            return deleter.finishIfReleased(key, updated, kv.modRevision());
        } catch (DryRunDone done) {
            return result.get();
        } catch (StorageException e) {
            releaseUnwritten(reserved, strategy);
            throw store.error(e, name);
        } catch (RuntimeException e) {
            releaseUnwritten(reserved, strategy);
            throw e;
        }
    }

    /** One prepared update of the main resource: what {@code beforeUpdate} reserved for, against which old. */
    private record Attempt<T>(T updated, T old) {
    }

    private void releaseUnwritten(AtomicReference<Attempt<T>> reserved, ResourceStrategy<T> strategy) {
        Attempt<T> attempt = reserved.getAndSet(null);
        if (attempt != null) {
            strategy.releaseAfterFailedUpdate(attempt.updated(), attempt.old());
        }
    }

    private T prepareUpdate(KeyValue current, T old, Updater<T> updater, boolean statusOnly,
                            ResourceStrategy<T> strategy, WriteOptions options) {
        // a copy the updater may change: decoded again, cheaper than copying old through a JSON tree
        T updated = updater.update(store.decode(current), old);
        if (updated.getMetadata() == null) {
            updated.setMetadata(new ObjectMeta());
        }
        ObjectMeta meta = updated.getMetadata();
        String rv = meta.getResourceVersion();
        if (rv != null && !rv.isEmpty() && !rv.equals(Long.toString(current.modRevision()))) {
            throw StatusError.conflict(def.groupResource(), old.getMetadata().getName(), StatusError.MODIFIED);
        }
        if ((rv == null || rv.isEmpty()) && !strategy.allowUnconditionalUpdate()) {
            // kube names the resource where the kind would go, and prints the missing version as Go's 0x0
            throw StatusError.invalid(def.groupResource().resource(), def.groupResource().group(),
                    old.getMetadata().getName(), List.of(FieldError.invalid("metadata.resourceVersion",
                            new GoUint64Zero(), "must be specified for an update")));
        }
        ObjectMetaLifecycle.takeUnsetSystemFields(meta, old.getMetadata());
        List<FieldError> errs = new ArrayList<>(ObjectMetaValidation.validateUpdate(meta, old.getMetadata()));
        updated.setApiVersion(def.apiVersion());
        if (statusOnly) {
            T next = ObjectMetaLifecycle.withStatusOf(store.decode(current), updated, def.type());
            // the status write's field ownership, which the write pipeline computed on the object it was given
            next.getMetadata().setManagedFields(meta.getManagedFields());
            strategy.prepareForStatusUpdate(next, old);
            next = store.asStored(next);
            errs.addAll(strategy.validateStatusUpdate(next, old));
            store.failIfInvalid(next, errs);
            options.validation().validate(next, old);
            return next;
        }
        if (def.hasSubresource("status") && strategy.keepsStoredStatus()) {
            updated = store.withStoredStatus(updated, old);
            meta = updated.getMetadata();
        }
        ObjectMetaLifecycle.keepSystemFields(meta, old.getMetadata());
        ObjectMetaLifecycle.checkFinalizersWhileDeleting(meta, old.getMetadata(), errs);
        strategy.applyDefaults(updated);
        updated = store.asStored(updated);
        meta = updated.getMetadata();
        strategy.prepareForUpdate(updated, old);
        if (def.tracksGeneration() && ObjectMetaLifecycle.specChanged(updated, old,
                !def.custom() || def.hasSubresource("status"))) {
            long generation = old.getMetadata().getGeneration() == null ? 0 : old.getMetadata().getGeneration();
            meta.setGeneration(generation + 1);
        }
        errs.addAll(strategy.validateUpdate(updated, old));
        store.failIfInvalid(updated, errs);
        options.validation().validate(updated, old);
        strategy.beforeUpdate(updated, old, options.dryRun());
        return updated;
    }

    /** Ends a dry-run update inside guaranteedUpdate without writing. */
    private static final class DryRunDone extends RuntimeException {
        DryRunDone() {
            super(null, null, false, false);
        }
    }

    /** The zero resourceVersion as kube's validation prints it ({@code %#v} of a uint64). */
    private record GoUint64Zero() {
        @Override
        public String toString() {
            return "0x0";
        }
    }
}

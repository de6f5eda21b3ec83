package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Keys;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one generic store that serves every resource (kube-apiserver's {@code generic/registry.Store}):
 * it builds keys, fills server-owned metadata, runs the resource's {@link ResourceStrategy} and the
 * validating admission it is handed, and talks to {@link Storage}. Lists, watches, updates and deletes live in
 * {@link StoreLister}, {@link StoreWatcher}, {@link StoreUpdater} and {@link StoreDeleter}.
 *
 * <p>Writes come only from {@link dev.kapi.apiserver.registry.rest.WritePipeline}, which runs mutating
 * admission and hands the store the validating admission in {@link WriteOptions}; reads are open to all.
 */
public final class Store<T extends HasMetadata> {

    private final ResourceDefinition<T> def;
    private final Storage storage;
    private final String prefix;
    private final StoreLister<T> lister;
    private final StoreWatcher<T> watcher;
    private final StoreDeleter<T> deleter;
    private final StoreUpdater<T> updates;
    private final DecodedValues<T> decodedValues = new DecodedValues<>(this);

    public Store(ResourceDefinition<T> def, Storage storage, String prefix) {
        this.def = def;
        this.storage = storage;
        this.prefix = prefix;
        this.lister = new StoreLister<>(this);
        this.watcher = new StoreWatcher<>(this);
        this.deleter = new StoreDeleter<>(this);
        this.updates = new StoreUpdater<>(this, deleter);
    }

    public ResourceDefinition<T> definition() {
        return def;
    }

    Storage storage() {
        return storage;
    }

    /** Storage's current revision (a round trip to etcd): a list not older than it sees every write made before. */
    public long currentRevision() {
        try {
            return storage.currentRevision();
        } catch (StorageException e) {
            throw error(e, "");
        }
    }

    /**
     * Waits at most {@code timeout} until lists of this resource are answered from memory at {@code revision} or
     * later (its watch cache primed and caught up; at once when it has none), see {@link Storage#awaitCached};
     * false on timeout.
     */
    public boolean awaitCached(long revision, Duration timeout) throws InterruptedException {
        return storage.awaitCached(listPrefix(null), revision, timeout);
    }

    String key(String namespace, String name) {
        try {
            return Keys.object(prefix(), def.resource(), def.namespaced() ? namespace : null, name);
        } catch (IllegalArgumentException e) {
            throw StatusError.notFound(def.groupResource(), name);
        }
    }

    String listPrefix(String namespace) {
        return Keys.listPrefix(prefix(), def.resource(), def.namespaced() ? namespace : null);
    }

    /** The key prefix of this resource: the storage's, then its group folder when it has one. */
    private String prefix() {
        String group = def.storageForm().keyGroup();
        return group.isEmpty() ? prefix : prefix + "/" + Keys.segment(group);
    }

    T decode(KeyValue kv) {
        return decode(kv, true);
    }

    /** The served object of a stored entry; without {@code metadata.managedFields} unless {@code managedFields}. */
    T decode(KeyValue kv, boolean managedFields) {
        Class<? extends HasMetadata> stored = def.storageForm().storedType();
        Class<? extends HasMetadata> type = stored != null ? stored : def.type();
        HasMetadata obj = ObjectCodec.decode(kv, type, managedFields);
        return def.storageForm().fromStorage(obj);
    }

    /** The stored form of an object (at the storage version); {@code obj} is not changed. */
    byte[] encode(T obj) {
        return ObjectCodec.encode(def.storageForm().toStorage(obj));
    }

    /**
     * The object as a read will answer it: for a version stored as another ({@link StorageForm#storedType()}),
     * through the stored form and back, as kube converts a request's object to its internal form first (an
     * autoscaling/v1 HorizontalPodAutoscaler without a target gets the 80% CPU target the stored v2 has).
     */
    T asStored(T obj) {
        if (def.storageForm().storedType() == null) {
            return obj;
        }
        return def.storageForm().fromStorage(def.storageForm().toStorage(obj));
    }

    /**
     * {@code updated} with the status of {@code old}. For a version stored as another the status is copied in
     * the stored form, as kube copies the internal object's: the served version may not say all of it
     * (autoscaling/v1 carries v2's conditions only in annotations, which a request may leave out or forge).
     */
    @SuppressWarnings("unchecked")
    T withStoredStatus(T updated, T old) {
        StorageForm<T> form = def.storageForm();
        if (form.storedType() == null) {
            return ObjectMetaLifecycle.withStatusOf(updated, old, def.type());
        }
        HasMetadata merged = ObjectMetaLifecycle.withStatusOf(form.toStorage(updated), form.toStorage(old),
                (Class<HasMetadata>) form.storedType());
        return form.fromStorage(merged);
    }

    StatusError error(StorageException e, String name) {
        return StorageErrors.interpret(e, def.groupResource(), name);
    }

    /** The object as it is now (a get without resourceVersion: the most recent, consistent read). */
    public T get(String namespace, String name) {
        return get(namespace, name, "");
    }

    /**
     * The object at the revision a get's {@code resourceVersion} asks for: "" (or null) the most recent, "0"
     * any, N not older than N (504 when the store has not reached N, 400 when N is not a revision).
     */
    public T get(String namespace, String name, String resourceVersion) {
        return read(namespace, name, resourceVersion).object();
    }

    /**
     * The object as kube's admission plugins read one through a lister with a live fallback: at resourceVersion
     * "0" (the watch cache's copy, which follows storage within moments and costs no round trip to it), and
     * consistently when that does not find it (created a moment ago). Null when neither finds it.
     */
    public T lookup(String namespace, String name) {
        for (String resourceVersion : new String[] {"0", ""}) {
            try {
                return get(namespace, name, resourceVersion);
            } catch (StatusError e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        return null;
    }

    /** As {@link #get(String, String, String)}, the object as read: decoded only when asked. */
    public StoredObject<T> read(String namespace, String name, String resourceVersion) {
        try {
            return new StoredObject<>(this, storage.get(key(namespace, name), ResourceVersions.get(resourceVersion)));
        } catch (StorageException e) {
            throw error(e, name);
        }
    }

    public ListPage<T> list(String namespace, ListParams<T> params) {
        return lister.list(namespace, params, true);
    }

    /**
     * As {@link #list}, the objects without {@code metadata.managedFields} (empty lists), which are then not even
     * decoded: for an informer whose transform drops them (as kube's controllers and scheduler do).
     */
    public ListPage<T> listWithoutManagedFields(String namespace, ListParams<T> params) {
        return lister.list(namespace, params, false);
    }

    /** As {@link #list}, the items as read: decoded only when the filter needed them or when asked. */
    public ListPage<StoredObject<T>> listStored(String namespace, ListParams<T> params) {
        return lister.listStored(namespace, params);
    }

    StoreLister<T> lister() {
        return lister;
    }

    DecodedValues<T> decodedValues() {
        return decodedValues;
    }

    public StoreWatcher<T> watcher() {
        return watcher;
    }

    /** Creates {@code obj} in {@code namespace} (null for cluster-scoped); returns the stored object. */
    public T create(String namespace, T obj, WriteOptions options) {
        return createStored(namespace, obj, options).object();
    }

    /**
     * {@link #create}, answering the created object together with the entry storage wrote, so that a JSON answer
     * can be the stored bytes ({@link StoredObject#json()}), as kube answers a create with what it stored, without
     * encoding the object a second time. A dry run's has no entry: it answers the object only.
     */
    public StoredObject<T> createStored(String namespace, T obj, WriteOptions options) {
        ObjectMeta meta = obj.getMetadata() == null ? new ObjectMeta() : obj.getMetadata();
        obj.setMetadata(meta);
        meta.setNamespace(def.namespaced() ? namespace : null);
        if ((meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null
                && !meta.getGenerateName().isEmpty()) {
            meta.setName(ObjectMetaLifecycle.generateName(meta.getGenerateName()));
        }
        obj.setApiVersion(def.apiVersion());
        def.strategy().applyDefaults(obj);
        ObjectMetaLifecycle.fillForCreate(meta, def.tracksGeneration());
        T created = def.hasSubresource("status") && def.strategy().resetsStatusOnCreate()
                ? ObjectMetaLifecycle.withoutStatus(obj, def.type()) : obj;
        def.strategy().prepareForCreate(created, options.user());
        created = asStored(created);
        List<FieldError> errs = new ArrayList<>(ObjectMetaValidation.validateCreate(created.getMetadata(),
                def.namespaced(), def.strategy()::validateName));
        errs.addAll(def.strategy().validate(created));
        failIfInvalid(created, errs);
        options.validation().validate(created, null);
        def.strategy().beforeCreate(created, options.dryRun());
        String name = created.getMetadata().getName();
        if (options.dryRun()) {
            failIfExists(namespace, name);
            return new StoredObject<>(this, null, created);
        }
        try {
            KeyValue kv = storage.create(key(namespace, name), encode(created));
            created.getMetadata().setResourceVersion(Long.toString(kv.modRevision()));
            return new StoredObject<>(this, kv, created);
        } catch (StorageException e) {
            def.strategy().releaseAfterFailedCreate(created);
            throw error(e, name);
        } catch (RuntimeException e) {
            def.strategy().releaseAfterFailedCreate(created);
            throw e;
        }
    }

    /** A dry-run create still answers AlreadyExists, as kube's store does (it reads the key). */
    private void failIfExists(String namespace, String name) {
        try {
            storage.get(key(namespace, name));
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.KEY_NOT_FOUND) {
                return;
            }
            throw error(e, name);
        }
        throw StatusError.alreadyExists(def.groupResource(), name);
    }

    /** Computes an update from the current object: PUT returns its body, PATCH applies the patch. */
    @FunctionalInterface
    public interface Updater<T> {
        /**
         * @param current a copy of the stored object, the updater's to change and return
         * @param stored  the stored object itself, not to be changed (what admission sees as the old object)
         */
        T update(T current, T stored);
    }

    /**
     * Updates one object with compare-and-swap, re-running {@code updater} on conflict. A resourceVersion
     * in the updated object must match the stored one (409 Conflict otherwise). The subresource is null for
     * the main resource (the stored status is kept), {@code status} (only the status changes), or one with a
     * strategy of its own ({@link ResourceStrategy#subresourceStrategy}, e.g. a namespace's {@code finalize}).
     */
    public T update(String namespace, String name, Updater<T> updater, String subresource, WriteOptions options) {
        return updates.update(namespace, name, updater, subresource, options);
    }

    /** The outcome of a delete: the object, and whether it is gone (false: finalizers hold it). */
    public record DeleteResult<T>(T object, boolean deleted) {
    }

    /**
     * Deletes one object. One held by finalizers (or by its strategy, a namespace) is only marked
     * (deletionTimestamp set) and stays until nothing holds it.
     */
    public DeleteResult<T> delete(String namespace, String name, Preconditions preconditions, WriteOptions options) {
        return deleter.delete(namespace, name, preconditions, options);
    }

    /** Deletes every object the params select, one by one (as kube-apiserver's DeleteCollection). */
    public List<T> deleteCollection(String namespace, ListParams<T> params, WriteOptions options) {
        return deleter.deleteCollection(namespace, params, options);
    }

    void failIfInvalid(T obj, List<FieldError> errs) {
        if (!errs.isEmpty()) {
            throw StatusError.invalid(def.kind(), def.group(), obj.getMetadata().getName(), errs);
        }
    }
}

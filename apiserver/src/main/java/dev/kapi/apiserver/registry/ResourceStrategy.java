package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Map;

/**
 * What is particular to one resource, in the spirit of kube-apiserver's {@code RESTCreateStrategy} and
 * {@code RESTUpdateStrategy}. The generic {@link Store} does everything common (names, uid, timestamps,
 * resourceVersion, generation, finalizers, metadata validation, status/spec separation); a strategy adds
 * only the defaults, validation, field-selector fields and table columns of its type.
 *
 * <p>Order on create: {@link #applyDefaults} → {@link #prepareForCreate} → metadata validation +
 * {@link #validate} → storage. On update: {@link #applyDefaults} → {@link #prepareForUpdate} →
 * {@link #validateUpdate} → storage. All methods may mutate only the object they are given.
 */
public interface ResourceStrategy<T extends HasMetadata> {

    /** Fills the defaults kube-apiserver applies when decoding (pod restartPolicy, service type, ...). */
    default void applyDefaults(T obj) {
    }

    /**
     * Sets server-owned fields of a new object, after the store reset its status (e.g. pod phase Pending,
     * namespace phase Active, a service's allocated clusterIP is done elsewhere).
     */
    default void prepareForCreate(T obj) {
    }

    /**
     * {@link #prepareForCreate(HasMetadata)} for a type that records who asks (a CSR's spec.username, groups,
     * uid and extra, as kube's strategy takes them from the request context); {@code user} is null for a
     * write that names nobody. Defaults to {@link #prepareForCreate(HasMetadata)}.
     */
    default void prepareForCreate(T obj, UserInfo user) {
        prepareForCreate(obj);
    }

    /**
     * Whether create clears the status the client sent (true for almost every type with a status
     * subresource; nodes keep theirs, since the kubelet registers a node with its status).
     */
    default boolean resetsStatusOnCreate() {
        return true;
    }

    /**
     * Whether an update may leave out {@code metadata.resourceVersion} (and so overwrite whatever is stored): kube's
     * {@code AllowUnconditionalUpdate}, true for most built-in types and false for CRDs and custom resources,
     * whose PUT without one is a 422.
     */
    default boolean allowUnconditionalUpdate() {
        return true;
    }

    /**
     * kube's {@code AllowCreateOnUpdate}: whether a PUT of a missing object creates it (201), as for RBAC roles and
     * bindings, services, endpoints and events; else it is 404.
     */
    default boolean allowCreateOnUpdate() {
        return false;
    }

    /** Adjusts an update of the main resource; the store already carried the old status over. */
    default void prepareForUpdate(T obj, T old) {
    }

    /**
     * Whether an update through this strategy starts from the stored status (true: the main resource, which
     * never writes status, and most subresources). A subresource that writes part of the status itself (a
     * CSR's {@code approval}: its conditions) answers false and keeps the rest in {@link #prepareForUpdate}.
     */
    default boolean keepsStoredStatus() {
        return true;
    }

    /**
     * Checks the object's name; returns kube-apiserver's messages (empty when valid). Defaults to a
     * DNS-1123 subdomain; namespaces use a DNS-1123 label, services a DNS-1035 label, RBAC a path segment.
     */
    default List<String> validateName(String name) {
        return dev.kapi.apiserver.registry.validation.NameValidation.dns1123Subdomain(name);
    }

    /** Validates a new object's type-specific fields (metadata is validated by the store). */
    default List<FieldError> validate(T obj) {
        return List.of();
    }

    /** Validates an update (immutable fields and the like). Defaults to {@link #validate}. */
    default List<FieldError> validateUpdate(T obj, T old) {
        return validate(obj);
    }

    /**
     * Adjusts an update of the status subresource, after the store took only the status from the request
     * (kube's status strategies' PrepareForUpdate: a CSR's condition timestamps).
     */
    default void prepareForStatusUpdate(T obj, T old) {
    }

    /** Validates an update of the status subresource. */
    default List<FieldError> validateStatusUpdate(T obj, T old) {
        return List.of();
    }

    /** Non-fatal warnings returned in {@code Warning} headers on create and update. */
    default List<String> warnings(T obj) {
        return List.of();
    }

    /**
     * The selectable fields a watch cache indexes (kube's cacher IndexFields: pods by {@code spec.nodeName}, what
     * each kubelet lists and watches by), each a path of object fields with a string value in the stored JSON. A
     * list whose field selector pins one of them to a value reads only the matching objects from the cache.
     */
    default List<String> indexedFields() {
        return List.of();
    }

    /**
     * The type's selectable fields beyond {@code metadata.name} and {@code metadata.namespace} (which the
     * store adds), e.g. pods' {@code spec.nodeName} and {@code status.phase}. Values are strings; an absent
     * field maps to "".
     */
    default Map<String, String> selectableFields(T obj) {
        return Map.of();
    }

    /**
     * Reserves what the object needs outside itself before it is written (a service's cluster IP and node
     * ports), after validation. On a dry run nothing may be persisted. If the write then fails, the store
     * calls {@link #releaseAfterFailedCreate}.
     */
    default void beforeCreate(T obj, boolean dryRun) {
    }

    /** Undoes {@link #beforeCreate} when the create did not happen. */
    default void releaseAfterFailedCreate(T obj) {
    }

    /** Like {@link #beforeCreate} for an update (a service changing type keeps or gains node ports). */
    default void beforeUpdate(T obj, T old, boolean dryRun) {
    }

    /**
     * Undoes {@link #beforeUpdate} when the update was not written (releases what {@code obj} took that
     * {@code old} did not hold).
     */
    default void releaseAfterFailedUpdate(T obj, T old) {
    }

    /**
     * Called after an update was written (not on a dry run): releases what {@code old} held that {@code obj}
     * no longer needs (a service's node ports after NodePort → ClusterIP).
     */
    default void afterUpdate(T obj, T old) {
    }

    /**
     * Whether a delete only marks the object (deletionTimestamp set) for a reason of the type's own; the
     * store already keeps an object with metadata.finalizers. A namespace is first marked Terminating and
     * goes only once its {@code spec.finalizers} are empty. Also asked after each update of an object being
     * deleted: when nothing holds it any more, the store deletes it.
     */
    default boolean deletionHeld(T obj) {
        return false;
    }

    /**
     * kube's {@code RESTGracefulDeleteStrategy.CheckGracefulDelete}: the grace period a delete of {@code obj}
     * gives it, from the one the DeleteOptions ask for ({@code requested}, null when unset, never negative here);
     * null (the default) when the type has no graceful deletion. A period above 0 only marks the object
     * (deletionTimestamp = now + period); whoever runs it (a kubelet) deletes it again with grace period 0.
     */
    default Long gracefulDeletePeriod(T obj, Long requested) {
        return null;
    }

    /** Adjusts an object whose deletion has just started (a namespace's phase becomes Terminating). */
    default void prepareForDeletion(T obj) {
    }

    /**
     * The strategy of an update through a subresource other than {@code status} and {@code scale}, as
     * kube-apiserver gives a namespace's {@code finalize} its own; null when the type has no such subresource.
     */
    default ResourceStrategy<T> subresourceStrategy(String subresource) {
        return null;
    }

    /**
     * Whether a delete answers with the deleted object rather than a Success Status (kube's store option
     * {@code ReturnDeletedObject}: pods, services, serviceaccounts, podtemplates, resourcequotas, persistent volumes
     * and claims, storage classes, CSI drivers and nodes, volume attachments).
     */
    default boolean returnsDeletedObject() {
        return false;
    }

    /**
     * What a delete naming no propagation does to the object's dependents (kube's
     * {@code DefaultGarbageCollectionPolicy}): the garbage collector deletes them, unless the served version
     * keeps the orphaning default of its clients before server-side cascading (batch/v1 jobs, v1
     * replicationcontrollers).
     */
    default GarbageCollectionPolicy defaultGarbageCollectionPolicy() {
        return GarbageCollectionPolicy.DELETE_DEPENDENTS;
    }

    /**
     * The Warning a delete naming no propagation gets (kube warns on jobs, whose pods its default orphans), or
     * null.
     */
    default String defaultPropagationWarning() {
        return null;
    }

    /** Releases what a deleted object held (its cluster IP and node ports). Not called on a dry run. */
    default void afterDelete(T old) {
    }

    /** The columns kubectl shows for this type; Name first. Defaults to Name and Age. */
    default List<TableColumn<T>> tableColumns() {
        return TableColumn.defaults();
    }

    /** The conditions of an object's Table row (kube's {@code TableRow.conditions}); none by default. */
    default List<TableRowCondition> tableRowConditions(T obj) {
        return List.of();
    }
}

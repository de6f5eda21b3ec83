package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.DeletePropagation;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoredObject;
import dev.kapi.apiserver.registry.WriteOptions;
import dev.kapi.apiserver.registry.fieldmanager.FieldManager;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.UpdateOptions;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;

import java.util.List;
import java.util.function.Consumer;

/**
 * The one way writes enter the registry (kube's handlers calling {@code rest.Creater}, {@code Updater},
 * {@code GracefulDeleter} and {@code CollectionDeleter} with admission passed down): for every verb and
 * subresource, from an HTTP handler or from one of the server's own writers, the same steps in the same
 * order with the same {@link AdmissionAttributes}:
 *
 * <pre>
 * create: mutating admission (the decoded object) → Store.create: defaults, strategy, validation, validating
 *         admission (the final object), storage
 * update: Store.update's compare-and-swap loop, each attempt: the {@link UpdatedObject} from the current
 *         object → mutating admission (new, old) → defaults, strategy, validation → validating admission
 * delete: Store.delete reads the object → mutating then validating admission (no object, the stored one as
 *         old) → mark (finalizers) or delete; a deletecollection does this for each object, under name ""
 * </pre>
 *
 * Subresources that are views or stores of their own keep kube's kinds: {@code scale} is admitted as
 * autoscaling/v1 Scale objects ({@link #updateScale}); an eviction, a token request or a review is the
 * CREATE of its own kind through a {@link Creater}. The options object (CreateOptions, UpdateOptions,
 * DeleteOptions) carries dryRun, and admission gets it whole. managedFields are kept here, before mutating
 * admission as in kube: creates and updates are tracked by the {@link FieldManager} (the object defaulted
 * first), an apply computes them itself ({@link #apply}), and the writes a create makes on its way
 * ({@link #updateAdmittedWith}) leave them alone, as kube's registry-internal writes do.
 */
public final class WritePipeline {

    private final AdmissionChain admission;

    public WritePipeline(AdmissionChain admission) {
        this.admission = admission;
    }

    /**
     * Creates {@code obj} in the scope's resource; returns the stored object (the would-be one on a dry run). The
     * server's own writers use it; a resourceVersion {@code obj} carries is cleared.
     */
    public <T extends HasMetadata> T create(WriteScope<T> scope, T obj, CreateOptions options) {
        return create(scope, obj, options, true, false).object();
    }

    /**
     * A client's create (a POST): as {@link #create(WriteScope, HasMetadata, CreateOptions)}, except that an object
     * naming a resourceVersion is refused as kube's storage refuses it, after admission and validation (storage
     * comes last there): 500 {@code resourceVersion should not be set on objects to be created}. Answers the
     * stored entry beside the object, so that the answer can be the stored JSON.
     */
    public <T extends HasMetadata> StoredObject<T> createRequested(WriteScope<T> scope, T obj,
                                                                   CreateOptions options) {
        return create(scope, obj, options, true, true);
    }

    private <T extends HasMetadata> StoredObject<T> create(WriteScope<T> scope, T obj, CreateOptions options,
                                                           boolean track, boolean refuseResourceVersion) {
        boolean dryRun = OperationOptions.isDryRun(options.getDryRun());
        if (track) {
            trackFields(scope, null, obj, options.getFieldManager());
        }
        return create(scope, Attributes.nameOf(obj), obj, options, (admitted, validation) -> {
            // not for an apply that creates (kube's update path clears it) nor a dry run (kube's does not check)
            boolean refuseVersion = refuseResourceVersion && !dryRun && namesResourceVersion(admitted);
            return scope.store().createStored(scope.namespace(), admitted, new WriteOptions(dryRun, (created, old) -> {
                validation.accept(cast(created));
                if (refuseVersion) {
                    throw StatusError.failure(500, "resourceVersion should not be set on objects to be created");
                }
            }, scope.user()));
        });
    }

    /** kube's {@code ObjectResourceVersion != 0}: a resourceVersion that is a non-zero unsigned integer. */
    private static boolean namesResourceVersion(HasMetadata obj) {
        String rv = obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
        if (rv == null || rv.isEmpty() || rv.length() > 20 || !rv.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false; // kube ignores one it cannot parse ("-1", "abc") and clears it
        }
        try {
            return Long.parseUnsignedLong(rv) != 0;
        } catch (NumberFormatException e) {
            return false; // beyond uint64
        }
    }

    /**
     * A create that stores nothing of its own kind (kube's named creates): a review, {@code pods/eviction},
     * {@code serviceaccounts/token}. Mutating admission runs on {@code obj}, then {@code rest} creates, calling
     * validating admission on its final object.
     *
     * @param name the URL's name for a subresource (the parent's), else the object's
     */
    public <V extends HasMetadata, R> R create(WriteScope<?> scope, String name, V obj, CreateOptions options,
                                               Creater<V, R> rest) {
        AdmissionAttributes attributes = Attributes.of(Operation.CREATE, scope, name, options,
                OperationOptions.isDryRun(options.getDryRun()));
        V admitted = cast(admission.mutate(attributes.withObject(obj)));
        return rest.create(admitted, created -> admission.validate(named(attributes, created).withObject(created)));
    }

    /** kube names the validating admission of a create by the generated name when only a generateName was set. */
    private static AdmissionAttributes named(AdmissionAttributes attributes, HasMetadata created) {
        return attributes.name().isEmpty() ? attributes.withName(Attributes.nameOf(created)) : attributes;
    }

    /**
     * Updates object {@code name} of the scope's resource, or its {@code status} or {@code finalize}
     * subresource (the scope's); a PUT, a PATCH, or a writer of the server.
     */
    public <T extends HasMetadata> T update(WriteScope<T> scope, String name, UpdatedObject<T> updated,
                                            UpdateOptions options) {
        return update(scope, name, updated, options, true);
    }

    private <T extends HasMetadata> T update(WriteScope<T> scope, String name, UpdatedObject<T> updated,
                                             UpdateOptions options, boolean track) {
        try {
            return updateMarkingRefusals(scope, name, updated, options, track);
        } catch (RefusedByAdmission r) {
            throw r.error;
        }
    }

    /** An update whose refusals by admission come as {@link RefusedByAdmission}, told apart from storage's. */
    private <T extends HasMetadata> T updateMarkingRefusals(WriteScope<T> scope, String name,
                                                            UpdatedObject<T> updated, UpdateOptions options,
                                                            boolean track) {
        boolean dryRun = OperationOptions.isDryRun(options.getDryRun());
        AdmissionAttributes attributes = Attributes.of(Operation.UPDATE, scope, name, options, dryRun);
        return scope.store().update(scope.namespace(), name, (current, stored) -> {
            T next = updated.updated(current);
            if (track) {
                trackFields(scope, stored, next, options.getFieldManager());
            }
            try {
                return cast(admission.mutate(attributes.withObjects(next, stored)));
            } catch (StatusError e) {
                throw new RefusedByAdmission(e);
            }
        }, scope.subresource(), new WriteOptions(dryRun, (obj, old) -> {
            try {
                admission.validate(attributes.withObjects(obj, old));
            } catch (StatusError e) {
                throw new RefusedByAdmission(e);
            }
        }));
    }

    /** Admission's refusal of an update, carried through the store so that its 404 is not taken for "missing". */
    private static final class RefusedByAdmission extends RuntimeException {
        final StatusError error;

        RefusedByAdmission(StatusError error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    /**
     * A server-side apply of object {@code name}: an update whose object {@code applied} computes from the live
     * one with its managedFields (the field manager's apply), or, when there is none, a create of what it
     * computes from nothing (admitted as a CREATE, as kube's patcher creates on apply). {@code authorizeCreate}
     * runs first on that path: the request was authorized as a patch, and creating needs {@code create}.
     */
    public <T extends HasMetadata> Applied<T> apply(WriteScope<T> scope, String name, UpdatedObject<T> applied,
                                                    UpdateOptions options, Runnable authorizeCreate) {
        return updateOrCreate(scope, name, null, applied, options, false, scope.subresource() == null,
                authorizeCreate);
    }

    /**
     * A PUT of object {@code name}: an update, or, when there is none and the resource allows it (kube's
     * {@code AllowCreateOnUpdate}), a create of what {@code updated} computes from nothing, admitted as a CREATE
     * with CreateOptions, as kube's update handler creates. {@code authorizeCreate} runs first on that path: the
     * request was authorized as an update, and creating needs {@code create}. A resourceVersion in the body is
     * cleared on that path, as kube's storage clears it.
     */
    public <T extends HasMetadata> Applied<T> updateOrCreate(WriteScope<T> scope, String name,
                                                             UpdatedObject<T> updated, UpdateOptions options,
                                                             Runnable authorizeCreate) {
        boolean mayCreate = scope.subresource() == null && scope.store().definition().strategy().allowCreateOnUpdate();
        return updateOrCreate(scope, name, body -> {
            // kube makes the body's uid a precondition: a body read before the object was deleted brings nothing back
            String uid = body.getMetadata() == null ? null : body.getMetadata().getUid();
            if (uid != null && !uid.isEmpty()) {
                throw StatusError.conflict(scope.store().definition().groupResource(), name,
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: ");
            }
        }, updated, options, true, mayCreate, authorizeCreate);
    }

    /**
     * An update, or when the object is missing and {@code mayCreate}, a create of what {@code updated} computes
     * from nothing (checked by {@code beforeCreate} before the create is authorized, when there is one); a race
     * with a delete or a create is tried again (at most three times more).
     */
    private <T extends HasMetadata> Applied<T> updateOrCreate(WriteScope<T> scope, String name,
                                                              Consumer<T> beforeCreate, UpdatedObject<T> updated,
                                                              UpdateOptions options, boolean track, boolean mayCreate,
                                                              Runnable authorizeCreate) {
        for (int attempt = 0; ; attempt++) {
            try {
                return new Applied<>(updateMarkingRefusals(scope, name, updated, options, track), false);
            } catch (RefusedByAdmission r) {
                throw r.error; // a 404 of admission (a webhook's denial) is the answer, not a missing object
            } catch (StatusError e) {
                if (e.code() != 404 || !mayCreate || attempt >= 3) {
                    throw e;
                }
            }
            try {
                // PUT: the body's preconditions first, as kube's storage checks them before the create's authorization
                T obj = beforeCreate == null ? null : updated.updated(null);
                if (obj != null) {
                    beforeCreate.accept(obj);
                }
                authorizeCreate.run();
                obj = obj != null ? obj : updated.updated(null);
                CreateOptions create = OperationOptions.create(OperationOptions.isDryRun(options.getDryRun()),
                        options.getFieldManager(), options.getFieldValidation());
                return new Applied<>(create(scope, obj, create, track, false).object(), true);
            } catch (StatusError e) {
                if (e.code() != 409 || !"AlreadyExists".equals(e.reason()) || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /** The object an apply or a PUT wrote, and whether it created it. */
    public record Applied<T>(T object, boolean created) {
    }

    /**
     * Defaults {@code obj} (as kube's decoder does, so the writer owns the defaults it gets) and sets its
     * managedFields for this write by the scope's manager over {@code live} (null on create).
     */
    private static <T extends HasMetadata> void trackFields(WriteScope<T> scope, T live, T obj, String fieldManager) {
        if (obj.getMetadata() == null) {
            obj.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        ResourceDefinition<T> def = scope.store().definition();
        def.strategy().applyDefaults(obj);
        FieldManager.of(def, scope.subresource()).update(live, obj, scope.manager(fieldManager));
    }

    /**
     * Updates the {@code scale} subresource: the wanted Scale is computed from the current one, admitted as
     * autoscaling/v1 Scale objects (mutating and validating admission both see Scales, as in kube), and
     * written as the parent's spec.replicas. Returns the Scale of the updated object.
     */
    public <T extends HasMetadata> Scale updateScale(WriteScope<T> scope, String name, UpdatedObject<Scale> updated,
                                                     UpdateOptions options) {
        return new ScaleUpdate<>(admission, scope.subresource("scale"), name, options).run(updated);
    }

    /**
     * Deletes object {@code name} (one held by finalizers, or a namespace, is only marked); the
     * DeleteOptions' preconditions (uid, resourceVersion) must hold.
     */
    public <T extends HasMetadata> Store.DeleteResult<T> delete(WriteScope<T> scope, String name,
                                                                DeleteOptions options) {
        boolean dryRun = OperationOptions.isDryRun(options.getDryRun());
        AdmissionAttributes attributes = Attributes.of(Operation.DELETE, scope, name, options, dryRun);
        return scope.store().delete(scope.namespace(), name,
                DeletePreconditions.of(scope.store(), scope.namespace(), name, options),
                new WriteOptions(dryRun, deleteAdmission(attributes), propagation(options),
                        options.getGracePeriodSeconds()));
    }

    /** Deletes every object the params select, each admitted as a DELETE under name "" (as kube does). */
    public <T extends HasMetadata> List<T> deleteCollection(WriteScope<T> scope, ListParams<T> params,
                                                            DeleteOptions options) {
        boolean dryRun = OperationOptions.isDryRun(options.getDryRun());
        AdmissionAttributes attributes = Attributes.of(Operation.DELETE, scope, "", options, dryRun);
        return scope.store().deleteCollection(scope.namespace(), params,
                new WriteOptions(dryRun, deleteAdmission(attributes), propagation(options),
                        options.getGracePeriodSeconds()));
    }

    /**
     * The one write without admission of its own: the delete a create admitted as a whole goes on to make
     * (kube's eviction deletes the pod with {@code rest.ValidateAllObjectFunc}: admission saw, and may refuse,
     * the CREATE of {@code pods/eviction}). Only for use inside a {@link Creater} that called its validation.
     */
    public <T extends HasMetadata> Store.DeleteResult<T> deleteAdmittedWith(WriteScope<T> scope, String name,
                                                                            DeleteOptions options) {
        return scope.store().delete(scope.namespace(), name,
                DeletePreconditions.of(scope.store(), scope.namespace(), name, options),
                new WriteOptions(OperationOptions.isDryRun(options.getDryRun()), (obj, old) -> {
                }, propagation(options), options.getGracePeriodSeconds()));
    }

    /** What the delete asks of the object's dependents. */
    private static DeletePropagation propagation(DeleteOptions options) {
        return new DeletePropagation(options.getPropagationPolicy(), options.getOrphanDependents());
    }

    /**
     * The update a create admitted as a whole makes on its way (kube's eviction marks the pod with its
     * {@code DisruptionTarget} condition under {@code rest.ValidateAllObjectFunc}, before the delete); no
     * admission of its own. Only for use inside a {@link Creater} that called its validation.
     */
    public <T extends HasMetadata> T updateAdmittedWith(WriteScope<T> scope, String name, UpdatedObject<T> updated,
                                                        UpdateOptions options) {
        return scope.store().update(scope.namespace(), name, (current, stored) -> updated.updated(current),
                scope.subresource(), new WriteOptions(OperationOptions.isDryRun(options.getDryRun()), (obj, old) -> {
                }));
    }

    /** kube's {@code AdmissionToValidateObjectDeleteFunc}: mutating then validating admission with the old object. */
    private WriteOptions.ObjectValidation deleteAdmission(AdmissionAttributes attributes) {
        return (obj, old) -> {
            AdmissionAttributes a = attributes.withObjects(null, old);
            admission.mutate(a);
            admission.validate(a);
        };
    }

    @SuppressWarnings("unchecked")
    static <V> V cast(Object o) {
        return (V) o;
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * How the {@link Store} runs one write: whether it is a dry run (the whole pipeline, nothing stored) and
 * the check it calls on the final object, after the resource's own validation (kube's
 * {@code ValidateObjectFunc}): the validating admission of
 * {@link dev.kapi.apiserver.registry.rest.WritePipeline}, which builds every WriteOptions. On a delete the
 * check gets no object and the stored one as {@code old}. {@code user} is the requesting user of a create (kube's
 * user in the request context, which a CSR's strategy records in its spec), null where no strategy needs it.
 * A delete also carries what it asks of the object's dependents ({@link DeletePropagation}) and the DeleteOptions'
 * {@code gracePeriodSeconds} (null when unset: the type's default, see {@link GracefulDeletion}).
 */
public record WriteOptions(boolean dryRun, ObjectValidation validation, UserInfo user,
                           DeletePropagation propagation, Long gracePeriodSeconds) {

    public WriteOptions {
        propagation = propagation == null ? DeletePropagation.UNSET : propagation;
    }

    /** Options of a create: the requesting user for the strategy. */
    public WriteOptions(boolean dryRun, ObjectValidation validation, UserInfo user) {
        this(dryRun, validation, user, DeletePropagation.UNSET, null);
    }

    /** Options of a delete: what it asks of the object's dependents, and the grace period asked for. */
    public WriteOptions(boolean dryRun, ObjectValidation validation, DeletePropagation propagation,
                        Long gracePeriodSeconds) {
        this(dryRun, validation, null, propagation, gracePeriodSeconds);
    }

    /** Options of an update (no user, no propagation). */
    public WriteOptions(boolean dryRun, ObjectValidation validation) {
        this(dryRun, validation, null, DeletePropagation.UNSET, null);
    }

    /** A last check on the final object (validating admission); throws to reject. */
    @FunctionalInterface
    public interface ObjectValidation {
        void validate(HasMetadata obj, HasMetadata old);
    }
}

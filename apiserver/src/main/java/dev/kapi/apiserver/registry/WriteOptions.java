package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * How the {@link Store} runs one write: whether it is a dry run (the whole pipeline, nothing stored) and
 * the check it calls on the final object, after the resource's own validation (kube's
 * {@code ValidateObjectFunc}): the validating admission of
 * {@link dev.kapi.apiserver.registry.rest.WritePipeline}, which builds every WriteOptions. On a delete the
 * check gets no object and the stored one as {@code old}. A delete also carries what it asks of the object's
 * dependents ({@link DeletePropagation}).
 */
public record WriteOptions(boolean dryRun, ObjectValidation validation, DeletePropagation propagation) {

    public WriteOptions {
        propagation = propagation == null ? DeletePropagation.UNSET : propagation;
    }

    /** The options of a create or update (no propagation). */
    public WriteOptions(boolean dryRun, ObjectValidation validation) {
        this(dryRun, validation, DeletePropagation.UNSET);
    }

    /** A last check on the final object (validating admission); throws to reject. */
    @FunctionalInterface
    public interface ObjectValidation {
        void validate(HasMetadata obj, HasMetadata old);
    }
}

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
 */
public record WriteOptions(boolean dryRun, ObjectValidation validation, UserInfo user) {

    /** Options of a write whose strategy needs not know the requesting user (updates, deletes). */
    public WriteOptions(boolean dryRun, ObjectValidation validation) {
        this(dryRun, validation, null);
    }

    /** A last check on the final object (validating admission); throws to reject. */
    @FunctionalInterface
    public interface ObjectValidation {
        void validate(HasMetadata obj, HasMetadata old);
    }
}

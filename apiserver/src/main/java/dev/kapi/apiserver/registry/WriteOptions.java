package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * How a write runs: whether it is a dry run (the whole pipeline, nothing stored) and the validating
 * admission to call after the resource's own validation (the endpoints stage passes its admission chain
 * here, so the registry never depends on admission).
 */
public record WriteOptions(boolean dryRun, ObjectValidation validation) {

    /** A last check on the final object (validating admission); throws to reject. */
    @FunctionalInterface
    public interface ObjectValidation {
        void validate(HasMetadata obj, HasMetadata old);
    }

    public static WriteOptions plain() {
        return new WriteOptions(false, (o, old) -> {
        });
    }
}

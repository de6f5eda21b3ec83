package dev.kapi.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/**
 * The admission stage of every write: all mutating plugins in order, then (called separately, after the
 * resource's own validation) all validating plugins. Empty for now; plugins, webhooks and CEL policies
 * join it as beans.
 */
public final class AdmissionChain {

    private final List<MutatingAdmission> mutating;
    private final List<ValidatingAdmission> validating;

    public AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating) {
        this.mutating = List.copyOf(mutating);
        this.validating = List.copyOf(validating);
    }

    public static AdmissionChain empty() {
        return new AdmissionChain(List.of(), List.of());
    }

    /** Runs every mutating plugin; returns the object the last one handed on. */
    public HasMetadata mutate(AdmissionAttributes attributes) {
        AdmissionAttributes current = attributes;
        for (MutatingAdmission plugin : mutating) {
            current = current.withObject(plugin.admit(current));
        }
        return current.object();
    }

    /** Runs every validating plugin; the first rejection wins. */
    public void validate(AdmissionAttributes attributes) {
        for (ValidatingAdmission plugin : validating) {
            plugin.validate(attributes);
        }
    }
}

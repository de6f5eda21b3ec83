package dev.kapi.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Comparator;
import java.util.List;

/**
 * The admission stage of every write: all mutating plugins in order, then (called separately, after the
 * resource's own validation) all validating plugins. A plugin runs when {@link AdmissionPlugins} enables its
 * name; plugins whose names are not kube admission plugins always run, first. Order follows
 * {@link AdmissionPlugins#ORDER} whatever the order of the beans or flags.
 */
public final class AdmissionChain {

    private final List<MutatingAdmission> mutating;
    private final List<ValidatingAdmission> validating;

    /** A chain of every given plugin whose name is in {@code enabled} or is not a kube plugin name. */
    public AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating,
                          List<String> enabled) {
        this.mutating = mutating.stream().filter(p -> runs(p.name(), enabled))
                .sorted(Comparator.comparingInt(p -> AdmissionPlugins.ORDER.indexOf(p.name()))).toList();
        this.validating = validating.stream().filter(p -> runs(p.name(), enabled))
                .sorted(Comparator.comparingInt(p -> AdmissionPlugins.ORDER.indexOf(p.name()))).toList();
    }

    /** A chain of exactly these plugins, in kube's order. */
    public AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating) {
        this(mutating, validating, AdmissionPlugins.ORDER);
    }

    public static AdmissionChain empty() {
        return new AdmissionChain(List.of(), List.of());
    }

    private static boolean runs(String name, List<String> enabled) {
        return !AdmissionPlugins.ORDER.contains(name) || enabled.contains(name);
    }

    /** The names of the plugins that run, mutating then validating (a plugin doing both is named twice). */
    public List<String> names() {
        return java.util.stream.Stream.concat(mutating.stream().map(MutatingAdmission::name),
                validating.stream().map(ValidatingAdmission::name)).toList();
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

package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.api.RequestDeadline;
import dev.kapi.apiserver.api.StatusError;
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
    /** Each plugin's observer, in the order of {@link #mutating} and {@link #validating}; null when unobserved. */
    private final AdmissionObserver.Bound[] admitted;
    private final AdmissionObserver.Bound[] validated;
    private final AdmissionObserver.Bound admitStep;
    private final AdmissionObserver.Bound validateStep;

    /** A chain of every given plugin whose name is in {@code enabled} or is not a kube plugin name. */
    public AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating,
                          List<String> enabled) {
        this(mutating.stream().filter(p -> runs(p.name(), enabled))
                        .sorted(Comparator.comparingInt(p -> AdmissionPlugins.ORDER.indexOf(p.name()))).toList(),
                validating.stream().filter(p -> runs(p.name(), enabled))
                        .sorted(Comparator.comparingInt(p -> AdmissionPlugins.ORDER.indexOf(p.name()))).toList(),
                (AdmissionObserver) null);
    }

    private AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating,
                           AdmissionObserver observer) {
        this.mutating = mutating;
        this.validating = validating;
        this.admitted = observer == null ? null
                : mutating.stream().map(p -> observer.bind(p.name(), "admit")).toArray(AdmissionObserver.Bound[]::new);
        this.validated = observer == null ? null : validating.stream().map(p -> observer.bind(p.name(), "validate"))
                .toArray(AdmissionObserver.Bound[]::new);
        this.admitStep = observer == null ? null : observer.bind(null, "admit");
        this.validateStep = observer == null ? null : observer.bind(null, "validate");
    }

    /** The same chain, telling {@code observer} how long each plugin and each step took (for metrics). */
    public AdmissionChain observedBy(AdmissionObserver observer) {
        return new AdmissionChain(mutating, validating, observer == AdmissionObserver.NONE ? null : observer);
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
        String operation = attributes == null ? "" : String.valueOf(attributes.operation());
        long stepStart = System.nanoTime();
        boolean rejected = true;
        try {
            AdmissionAttributes current = attributes;
            for (int i = 0; i < mutating.size(); i++) {
                long start = System.nanoTime();
                boolean refused = true;
                try {
                    current = current.withObject(mutating.get(i).admit(current));
                    refused = false;
                } finally {
                    report(admitted == null ? null : admitted[i], operation, refused, start);
                }
            }
            rejected = false;
            return current.object();
        } finally {
            report(admitStep, operation, rejected, stepStart);
        }
    }

    /**
     * Runs every validating plugin; the first rejection wins. The last step before a write is stored: once the
     * request's deadline ({@link RequestDeadline}) has passed, the write is refused (504), as kube's storage call
     * fails on the request's ended context.
     */
    public void validate(AdmissionAttributes attributes) {
        String operation = attributes == null ? "" : String.valueOf(attributes.operation());
        long stepStart = System.nanoTime();
        boolean rejected = true;
        try {
            for (int i = 0; i < validating.size(); i++) {
                long start = System.nanoTime();
                boolean refused = true;
                try {
                    validating.get(i).validate(attributes);
                    refused = false;
                } finally {
                    report(validated == null ? null : validated[i], operation, refused, start);
                }
            }
            if (RequestDeadline.passed()) {
                // kube's write runs on the request's context, which has ended: nothing is stored. Without this,
                // a webhook under failurePolicy Ignore that the deadline cut short was skipped and the write landed
                throw StatusError.timeout("Timeout: request did not complete within requested timeout - "
                        + "context deadline exceeded");
            }
            rejected = false;
        } finally {
            report(validateStep, operation, rejected, stepStart);
        }
    }

    private static void report(AdmissionObserver.Bound observer, String operation, boolean rejected, long start) {
        if (observer == null) {
            return;
        }
        try {
            observer.observe(operation, rejected, System.nanoTime() - start);
        } catch (RuntimeException e) {
            // metrics must never change the outcome of admission
        }
    }
}

package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.util.List;

/**
 * The selector/template rules shared by controllers of pods (kube's {@code ValidateDeploymentSpec} and its
 * siblings): the selector is required, valid and non-empty, it must select the template's labels, and the
 * template must be a valid pod template.
 */
public final class WorkloadChecks {

    private WorkloadChecks() {
    }

    /**
     * Checks {@code spec.selector} and {@code spec.template} of a workload; {@code kind} (lower case, e.g.
     * "deployment") goes into the "empty selector is invalid for ..." message.
     */
    public static void selectorAndTemplate(LabelSelector selector, PodTemplateSpec template, String kind,
                                           List<FieldError> errs) {
        if (selector == null) {
            errs.add(FieldError.required("spec.selector", ""));
        } else {
            errs.addAll(LabelSelectors.validate(selector, "spec.selector"));
            if (LabelSelectors.isEmpty(selector)) {
                errs.add(FieldError.invalid("spec.selector", GoValues.labelSelector(selector),
                        "empty selector is invalid for " + kind));
            }
        }
        templateMatches(selector, template, errs);
        errs.addAll(PodTemplateValidation.validate(template, "spec.template"));
    }

    /** "`selector` does not match template `labels`" unless the selector is empty (selects everything). */
    public static void templateMatches(LabelSelector selector, PodTemplateSpec template, List<FieldError> errs) {
        if (template == null || (selector != null && LabelSelectors.isEmpty(selector))) {
            return;
        }
        var labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
        if (!LabelSelectors.matches(selector, labels)) {
            errs.add(FieldError.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`"));
        }
    }

    /** apps/v1 forbids changing the selector: "spec.selector: Invalid value: ...: field is immutable". */
    public static void selectorImmutable(LabelSelector selector, LabelSelector old, List<FieldError> errs) {
        if (!LabelSelectors.toSelectorString(selector).equals(LabelSelectors.toSelectorString(old))
                || (selector == null) != (old == null)) {
            errs.add(FieldError.invalid("spec.selector", GoValues.labelSelector(selector), "field is immutable"));
        }
    }
}

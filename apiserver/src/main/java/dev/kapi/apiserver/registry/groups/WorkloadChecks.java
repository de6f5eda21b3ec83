package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.SelectorSyntaxException;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
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
            errs.addAll(LabelSelectorValidation.validate(selector, "spec.selector"));
            if (LabelSelectorValidation.isEmpty(selector)) {
                errs.add(FieldError.invalid("spec.selector", GoValues.labelSelector(selector),
                        "empty selector is invalid for " + kind));
            }
        }
        if (!templateMatches(selector, template, errs)) {
            errs.add(FieldError.invalid("spec.selector", GoValues.labelSelector(selector), "invalid label selector"));
        }
        errs.addAll(PodSpecValidation.validateTemplate(template, "spec.template"));
    }

    /**
     * "`selector` does not match template `labels`" unless the selector is empty (selects everything);
     * false, with nothing added, when the selector cannot be turned into one (its errors are the selector's).
     */
    public static boolean templateMatches(LabelSelector selector, PodTemplateSpec template, List<FieldError> errs) {
        dev.kapi.apiserver.api.selection.LabelSelector parsed;
        try {
            parsed = dev.kapi.apiserver.api.selection.LabelSelector.fromObject(selector);
        } catch (SelectorSyntaxException e) {
            return false;
        }
        if (template == null || parsed.isEmpty()) {
            return true;
        }
        var labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
        if (!parsed.matches(labels)) {
            errs.add(FieldError.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`"));
        }
        return true;
    }

    /** A selector may not change: "spec.selector: Invalid value: ...: field is immutable". */
    public static void selectorImmutable(LabelSelector selector, LabelSelector old, List<FieldError> errs) {
        String now = dev.kapi.apiserver.api.selection.LabelSelector.format(selector);
        String before = dev.kapi.apiserver.api.selection.LabelSelector.format(old);
        if (!now.equals(before) || (selector == null) != (old == null)) {
            errs.add(FieldError.invalid("spec.selector", GoValues.labelSelector(selector), "field is immutable"));
        }
    }
}

package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;

/**
 * apimachinery's {@code ValidateLabelSelector} for a {@code metav1.LabelSelector} object: matchLabels as
 * labels, each matchExpression's operator, its values by operator, and its key. Matching and printing a
 * selector object is {@link dev.kapi.apiserver.api.selection.LabelSelector#fromObject}.
 */
public final class LabelSelectorValidation {

    private LabelSelectorValidation() {
    }

    /** The selector's errors under {@code path} (e.g. {@code spec.selector}); none for a null selector. */
    public static List<FieldError> validate(LabelSelector selector, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null) {
            return errs;
        }
        errs.addAll(ObjectMetaValidation.validateLabels(selector.getMatchLabels(), path + ".matchLabels"));
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
        for (int i = 0; exprs != null && i < exprs.size(); i++) {
            requirement(exprs.get(i), path + ".matchExpressions[" + i + "]", errs);
        }
        return errs;
    }

    private static void requirement(LabelSelectorRequirement r, String p, List<FieldError> errs) {
        String op = r.getOperator() == null ? "" : r.getOperator();
        boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
        switch (op) {
            case "In", "NotIn" -> {
                if (!hasValues) {
                    errs.add(FieldError.required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (hasValues) {
                    errs.add(FieldError.forbidden(p + ".values",
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> errs.add(FieldError.invalid(p + ".operator", op, "not a valid selector operator"));
        }
        String key = r.getKey() == null ? "" : r.getKey();
        for (String msg : NameValidation.qualifiedName(key)) {
            errs.add(FieldError.invalid(p + ".key", r.getKey(), msg));
        }
    }

    /** True when the selector has neither matchLabels nor matchExpressions (it selects everything). */
    public static boolean isEmpty(LabelSelector selector) {
        return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }
}

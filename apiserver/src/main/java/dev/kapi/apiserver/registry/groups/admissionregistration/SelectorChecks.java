package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;

/**
 * apimachinery's {@code ValidateLabelSelector} with its option {@code AllowInvalidLabelValueInSelector}:
 * matchLabels as labels; per matchExpression its operator and values, its key, and unless allowed each value
 * as a label value (kube checks values strictly for new webhooks and always for policies).
 */
final class SelectorChecks {

    private SelectorChecks() {
    }

    static void validate(LabelSelector selector, boolean allowInvalidValues, String path, List<FieldError> errs) {
        if (selector == null) {
            return;
        }
        errs.addAll(ObjectMetaValidation.validateLabels(selector.getMatchLabels(), path + ".matchLabels"));
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
        for (int i = 0; exprs != null && i < exprs.size(); i++) {
            requirement(exprs.get(i), allowInvalidValues, path + ".matchExpressions[" + i + "]", errs);
        }
    }

    private static void requirement(LabelSelectorRequirement r, boolean allowInvalidValues, String p,
                                    List<FieldError> errs) {
        String op = r.getOperator() == null ? "" : r.getOperator();
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        switch (op) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    errs.add(FieldError.required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    errs.add(FieldError.forbidden(p + ".values",
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> errs.add(FieldError.invalid(p + ".operator", op, "not a valid selector operator"));
        }
        String key = r.getKey() == null ? "" : r.getKey();
        for (String msg : NameValidation.qualifiedName(key)) {
            errs.add(FieldError.invalid(p + ".key", key, msg));
        }
        for (int j = 0; !allowInvalidValues && j < values.size(); j++) {
            String v = values.get(j) == null ? "" : values.get(j);
            for (String msg : NameValidation.labelValue(v)) {
                errs.add(FieldError.invalid(p + ".values[" + j + "]", v, msg));
            }
        }
    }

    /** Whether strict validation rejects the selector (an update may then keep invalid values, as kube allows). */
    static boolean invalidWhenStrict(LabelSelector selector) {
        List<FieldError> errs = new ArrayList<>();
        validate(selector, false, "", errs);
        return !errs.isEmpty();
    }
}

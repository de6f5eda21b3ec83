package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ExpressionWarning;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's {@code validateValidatingAdmissionPolicyStatus}: each type-checking warning has a warning and a
 * fieldRef, and the conditions pass apimachinery's {@code ValidateConditions} (unique qualified-name types,
 * status True/False/Unknown, observedGeneration not negative, lastTransitionTime and a CamelCase reason set,
 * reason at most 1024 and message at most 32768 bytes). The fieldRef's JSONPath syntax is not parsed.
 */
final class PolicyStatusChecks {

    static final List<String> CONDITION_STATUSES = List.of("False", "True", "Unknown");
    private static final String REASON_FMT = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?";
    private static final Pattern REASON = Pattern.compile(REASON_FMT);
    private static final int MAX_REASON = 1024;
    private static final int MAX_MESSAGE = 32 * 1024;

    private PolicyStatusChecks() {
    }

    static List<FieldError> status(ValidatingAdmissionPolicyStatus status) {
        List<FieldError> errs = new ArrayList<>();
        if (status == null) {
            return errs;
        }
        List<ExpressionWarning> warnings = status.getTypeChecking() == null ? null
                : status.getTypeChecking().getExpressionWarnings();
        for (int i = 0; warnings != null && i < warnings.size(); i++) {
            ExpressionWarning w = warnings.get(i);
            String p = "status.typeChecking.expressionWarnings[" + i + "]";
            if (w.getWarning() == null || w.getWarning().isEmpty()) {
                errs.add(FieldError.required(p + ".warning", ""));
            }
            if (w.getFieldRef() == null || w.getFieldRef().isBlank()) {
                errs.add(FieldError.required(p + ".fieldRef", ""));
            }
        }
        conditions(status.getConditions(), "status.conditions", errs);
        return errs;
    }

    static void conditions(List<Condition> conditions, String path, List<FieldError> errs) {
        Set<String> types = new HashSet<>();
        for (int i = 0; conditions != null && i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            String p = path + "[" + i + "]";
            String type = c.getType() == null ? "" : c.getType();
            if (!types.add(type)) {
                errs.add(FieldError.duplicate(p + ".type", type));
            }
            for (String msg : NameValidation.qualifiedName(type)) {
                errs.add(FieldError.invalid(p + ".type", type, msg));
            }
            String status = c.getStatus() == null ? "" : c.getStatus();
            if (!CONDITION_STATUSES.contains(status)) {
                errs.add(FieldError.notSupported(p + ".status", status, CONDITION_STATUSES));
            }
            if (c.getObservedGeneration() != null && c.getObservedGeneration() < 0) {
                errs.add(FieldError.invalid(p + ".observedGeneration", c.getObservedGeneration(),
                        "must be greater than or equal to zero"));
            }
            if (c.getLastTransitionTime() == null || c.getLastTransitionTime().isEmpty()) {
                errs.add(FieldError.required(p + ".lastTransitionTime", "must be set"));
            }
            String reason = c.getReason() == null ? "" : c.getReason();
            if (reason.isEmpty()) {
                errs.add(FieldError.required(p + ".reason", "must be set"));
            } else {
                if (!REASON.matcher(reason).matches()) {
                    errs.add(FieldError.invalid(p + ".reason", reason, NameValidation.regexError(
                            "a condition reason must start with alphabetic character, optionally followed by a string of "
                                    + "alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
                            REASON_FMT, "my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")));
                }
                if (reason.length() > MAX_REASON) {
                    errs.add(FieldError.tooLong(p + ".reason", reason, MAX_REASON));
                }
            }
            if (c.getMessage() != null && c.getMessage().length() > MAX_MESSAGE) {
                errs.add(FieldError.tooLong(p + ".message", c.getMessage(), MAX_MESSAGE));
            }
        }
    }
}

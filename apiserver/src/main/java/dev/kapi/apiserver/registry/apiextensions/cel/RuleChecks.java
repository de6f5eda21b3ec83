package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.kapi.apiserver.api.FieldError;
import java.util.List;

/**
 * kube's checks of one {@code x-kubernetes-validations} entry before it is compiled: a rule is required;
 * message, messageExpression and fieldPath must not be blank when given, a message is at most 2048
 * characters on one line (and required for a multi-line rule); reason is one of the four supported; the
 * fieldPath must exist in the schema.
 */
final class RuleChecks {

    private RuleChecks() {
    }

    static void check(RuleSchema.Rule rule, RuleSchema s, String path, List<String> reasons, List<FieldError> errors) {
        String trimmedRule = rule.rule().strip();
        String trimmedMsg = rule.message().strip();
        if (trimmedRule.isEmpty()) {
            errors.add(FieldError.required(path + ".rule", "rule is not specified"));
        } else if (!rule.message().isEmpty() && trimmedMsg.isEmpty()) {
            errors.add(FieldError.invalid(path + ".message", rule.message(), "message must be non-empty if specified"));
        } else if (rule.message().length() > 2048) {
            errors.add(FieldError.invalid(path + ".message", rule.message().substring(0, 10) + "...",
                    "message must have a maximum length of 2048 characters"));
        } else if (trimmedMsg.contains("\n")) {
            errors.add(FieldError.invalid(path + ".message", rule.message(), "message must not contain line breaks"));
        } else if (trimmedRule.contains("\n") && trimmedMsg.isEmpty()) {
            errors.add(FieldError.required(path + ".message", "message must be specified if rule contains line breaks"));
        }
        if (!rule.messageExpression().isEmpty() && rule.messageExpression().isBlank()) {
            errors.add(FieldError.required(path + ".messageExpression",
                    "messageExpression must be non-empty if specified"));
        }
        if (rule.reason() != null && !reasons.contains(rule.reason())) {
            errors.add(FieldError.notSupported(path + ".reason", rule.reason(), reasons));
        }
        if (!rule.fieldPath().isEmpty() && rule.fieldPath().isBlank()) {
            errors.add(FieldError.invalid(path + ".fieldPath", rule.fieldPath(), "fieldPath must be non-empty if specified"));
        } else if (rule.fieldPath().contains("\n")) {
            errors.add(FieldError.invalid(path + ".fieldPath", rule.fieldPath(), "fieldPath must not contain line breaks"));
        } else if (!rule.fieldPath().isEmpty()) {
            try {
                FieldPaths.normalize(rule.fieldPath(), s);
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.invalid(path + ".fieldPath", rule.fieldPath(),
                        "fieldPath must be a valid path: " + e.getMessage()));
            }
        }
    }
}

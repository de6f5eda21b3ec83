package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's {@code validateValidatingAdmissionPolicySpec}: failurePolicy, paramKind, matchConstraints with
 * resourceRules, matchConditions, variables (CEL identifiers; each compiled, later expressions see
 * {@code variables.<name>} with its type), validations (expression a bool, messageExpression a string,
 * message without line breaks, reason) or auditAnnotations (at most 20, unique keys, value a string or null).
 */
final class PolicyChecks {

    static final List<String> REASONS = List.of("Forbidden", "Invalid", "RequestEntityTooLarge");
    static final int MAX_AUDIT_ANNOTATIONS = 20;
    static final int MAX_VALUE_EXPRESSION_LENGTH = 5 * 1024;
    private static final Pattern CEL_IDENTIFIER = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");
    private static final Set<String> CEL_RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
            "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return",
            "var", "void", "while");

    private PolicyChecks() {
    }

    /** @param ignoreMatchConditions true on an update that changed neither paramKind nor matchConditions */
    static List<FieldError> spec(String policyName, ValidatingAdmissionPolicySpec spec, boolean ignoreMatchConditions) {
        List<FieldError> errs = new ArrayList<>();
        String path = "spec";
        if (spec.getFailurePolicy() == null) {
            errs.add(FieldError.required(path + ".failurePolicy", ""));
        } else if (!WebhookChecks.FAILURE_POLICIES.contains(spec.getFailurePolicy())) {
            errs.add(FieldError.notSupported(path + ".failurePolicy", spec.getFailurePolicy(),
                    WebhookChecks.FAILURE_POLICIES));
        }
        boolean params = spec.getParamKind() != null;
        if (params) {
            MatchResourcesChecks.paramKind(spec.getParamKind(), path + ".paramKind", errs);
        }
        if (spec.getMatchConstraints() == null) {
            errs.add(FieldError.required(path + ".matchConstraints", ""));
        } else {
            MatchResourcesChecks.matchResources(spec.getMatchConstraints(), path + ".matchConstraints", errs);
            if (orEmpty(spec.getMatchConstraints().getResourceRules()).isEmpty()) {
                errs.add(FieldError.required(path + ".matchConstraints.resourceRules", ""));
            }
        }
        if (!ignoreMatchConditions) {
            MatchConditionChecks.validate(orEmpty(spec.getMatchConditions()), params, path + ".matchConditions", errs);
        }
        Map<String, CelType> variables = variables(orEmpty(spec.getVariables()), params, errs);
        List<Validation> validations = orEmpty(spec.getValidations());
        List<AuditAnnotation> annotations = orEmpty(spec.getAuditAnnotations());
        if (validations.isEmpty() && annotations.isEmpty()) {
            String both = "validations or auditAnnotations must contain at least one item";
            errs.add(FieldError.required(path + ".validations", both));
            errs.add(FieldError.required(path + ".auditAnnotations", both));
            return errs;
        }
        AdmissionCel env = env(params, true, variables);
        AdmissionCel messageEnv = validations.isEmpty() ? null : env(params, false, variables);
        for (int i = 0; i < validations.size(); i++) {
            validation(validations.get(i), env, messageEnv, path + ".validations[" + i + "]", errs);
        }
        if (annotations.size() > MAX_AUDIT_ANNOTATIONS) {
            errs.add(FieldError.invalid(path + ".auditAnnotations", GoText.auditAnnotations(annotations),
                    "must not have more than " + MAX_AUDIT_ANNOTATIONS + " auditAnnotations"));
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < annotations.size(); i++) {
            AuditAnnotation a = annotations.get(i);
            String p = path + ".auditAnnotations[" + i + "]";
            auditAnnotation(policyName, a, env, p, errs);
            String key = a.getKey() == null ? "" : a.getKey();
            if (!keys.add(key)) {
                errs.add(FieldError.duplicate(p + ".key", key));
            }
        }
        return errs;
    }

    /** Compiles the variables in order; returns their types (null when the policy has none: no composition). */
    private static Map<String, CelType> variables(List<Variable> variables, boolean params, List<FieldError> errs) {
        if (variables.isEmpty()) {
            return null;
        }
        Map<String, CelType> types = new LinkedHashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            Variable v = variables.get(i);
            String p = "spec.variables[" + i + "]";
            String name = v.getName() == null ? "" : v.getName();
            if (name.isBlank()) {
                errs.add(FieldError.required(p + ".name", "name is not specified"));
            } else if (!CEL_IDENTIFIER.matcher(name).matches() || CEL_RESERVED.contains(name)) {
                errs.add(FieldError.invalid(p + ".name", name, "name is not a valid CEL identifier"));
            }
            String expression = v.getExpression() == null ? "" : v.getExpression();
            CelType type = SimpleType.DYN;
            if (expression.isBlank()) {
                errs.add(FieldError.required(p + ".expression", "expression is not specified"));
            } else {
                AdmissionCel.Result r = AdmissionCel.composited(params, true, types)
                        .compile(expression, AdmissionCel.Returns.ANY);
                if (r.ok()) {
                    type = r.type();
                } else {
                    errs.add(FieldError.invalid(p + ".expression", expression, r.error()));
                }
            }
            types.put(name, type);
        }
        return types;
    }

    private static AdmissionCel env(boolean params, boolean authorizer, Map<String, CelType> variables) {
        return variables == null ? AdmissionCel.of(params, authorizer)
                : AdmissionCel.composited(params, authorizer, variables);
    }

    private static void validation(Validation v, AdmissionCel env, AdmissionCel messageEnv, String p,
                                   List<FieldError> errs) {
        String expression = v.getExpression() == null ? "" : v.getExpression();
        if (expression.isBlank()) {
            errs.add(FieldError.required(p + ".expression", "expression is not specified"));
        } else {
            AdmissionCel.Result r = env.compile(expression, AdmissionCel.Returns.BOOL);
            if (!r.ok()) {
                errs.add(FieldError.invalid(p + ".expression", expression, r.error()));
            }
        }
        String messageExpression = v.getMessageExpression() == null ? "" : v.getMessageExpression();
        if (!messageExpression.isEmpty() && messageExpression.isBlank()) {
            errs.add(FieldError.invalid(p + ".messageExpression", messageExpression, "must be non-empty if specified"));
        } else if (!messageExpression.isBlank()) {
            AdmissionCel.Result r = messageEnv.compile(messageExpression, AdmissionCel.Returns.STRING);
            if (!r.ok()) {
                errs.add(FieldError.invalid(p + ".messageExpression", messageExpression, r.error()));
            }
        }
        String message = v.getMessage() == null ? "" : v.getMessage();
        if (!message.isEmpty() && message.isBlank()) {
            errs.add(FieldError.invalid(p + ".message", message, "message must be non-empty if specified"));
        } else if (message.strip().contains("\n") || message.strip().contains("\r")) {
            errs.add(FieldError.invalid(p + ".message", message, "message must not contain line breaks"));
        }
        if (v.getReason() != null && !REASONS.contains(v.getReason())) {
            errs.add(FieldError.notSupported(p + ".reason", v.getReason(), REASONS));
        }
    }

    private static void auditAnnotation(String policyName, AuditAnnotation a, AdmissionCel env, String p,
                                        List<FieldError> errs) {
        String key = a.getKey() == null ? "" : a.getKey();
        if (policyName != null && !policyName.isEmpty()) {
            String qualified = policyName + "/" + key;
            for (String msg : NameValidation.qualifiedName(qualified)) {
                errs.add(FieldError.invalid(p + ".key", qualified, msg));
            }
        } else {
            errs.add(FieldError.invalid(p + ".key", key, "requires metadata.name be non-empty"));
        }
        String value = a.getValueExpression() == null ? "" : a.getValueExpression();
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            errs.add(FieldError.required(p + ".valueExpression", "valueExpression is not specified"));
        } else if (trimmed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE_EXPRESSION_LENGTH) {
            errs.add(FieldError.required(p + ".valueExpression",
                    "must not exceed " + MAX_VALUE_EXPRESSION_LENGTH + " bytes in length"));
        } else {
            AdmissionCel.Result r = env.compile(trimmed, AdmissionCel.Returns.STRING_OR_NULL);
            if (!r.ok()) {
                errs.add(FieldError.invalid(p + ".valueExpression", value, r.error()));
            }
        }
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}

package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler;
import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler.Returns;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's {@code validateValidatingAdmissionPolicySpec}: failurePolicy, paramKind, matchConstraints with
 * resourceRules, matchConditions, variables (CEL identifiers; each compiled, later expressions see
 * {@code variables.<name>} with its type; no {@code variables} at all when the policy has none), validations (expression a bool, messageExpression a string,
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
            MatchConditionChecks.validate(Items.of(spec.getMatchConditions(), MatchCondition::new), params,
                    path + ".matchConditions", errs);
        }
        List<Variable> variables = Items.of(spec.getVariables(), Variable::new);
        ExpressionCompiler compiler = variables.isEmpty() ? ExpressionCompiler.withoutVariables(params)
                : ExpressionCompiler.create(params);
        variables(variables, compiler, errs);
        List<Validation> validations = Items.of(spec.getValidations(), Validation::new);
        List<AuditAnnotation> annotations = Items.of(spec.getAuditAnnotations(), AuditAnnotation::new);
        if (validations.isEmpty() && annotations.isEmpty()) {
            String both = "validations or auditAnnotations must contain at least one item";
            errs.add(FieldError.required(path + ".validations", both));
            errs.add(FieldError.required(path + ".auditAnnotations", both));
            return errs;
        }
        for (int i = 0; i < validations.size(); i++) {
            validation(validations.get(i), compiler, path + ".validations[" + i + "]", errs);
        }
        if (annotations.size() > MAX_AUDIT_ANNOTATIONS) {
            errs.add(FieldError.invalid(path + ".auditAnnotations", GoText.auditAnnotations(annotations),
                    "must not have more than " + MAX_AUDIT_ANNOTATIONS + " auditAnnotations"));
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < annotations.size(); i++) {
            AuditAnnotation a = annotations.get(i);
            String p = path + ".auditAnnotations[" + i + "]";
            auditAnnotation(policyName, a, compiler, p, errs);
            String key = a.getKey() == null ? "" : a.getKey();
            if (!keys.add(key)) {
                errs.add(FieldError.duplicate(p + ".key", key));
            }
        }
        return errs;
    }

    /** Compiles the variables in order into {@code compiler}; one without an expression is not declared. */
    private static void variables(List<Variable> variables, ExpressionCompiler compiler, List<FieldError> errs) {
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
            if (expression.isBlank()) {
                errs.add(FieldError.required(p + ".expression", "expression is not specified"));
            } else {
                String error = compiler.variable(name, expression).error();
                if (error != null) {
                    errs.add(FieldError.invalid(p + ".expression", expression, error));
                }
            }
        }
    }

    /** The expression with the authorizer; the messageExpression without it, as kube. */
    private static void validation(Validation v, ExpressionCompiler compiler, String p, List<FieldError> errs) {
        String expression = v.getExpression() == null ? "" : v.getExpression();
        if (expression.isBlank()) {
            errs.add(FieldError.required(p + ".expression", "expression is not specified"));
        } else {
            String error = compiler.compile(expression, Returns.BOOL, true).error();
            if (error != null) {
                errs.add(FieldError.invalid(p + ".expression", expression, error));
            }
        }
        String messageExpression = v.getMessageExpression() == null ? "" : v.getMessageExpression();
        if (!messageExpression.isEmpty() && messageExpression.isBlank()) {
            errs.add(FieldError.invalid(p + ".messageExpression", messageExpression, "must be non-empty if specified"));
        } else if (!messageExpression.isBlank()) {
            String error = compiler.compile(messageExpression, Returns.STRING, false).error();
            if (error != null) {
                errs.add(FieldError.invalid(p + ".messageExpression", messageExpression, error));
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

    private static void auditAnnotation(String policyName, AuditAnnotation a, ExpressionCompiler compiler, String p,
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
            String error = compiler.compile(trimmed, Returns.STRING_OR_NULL, true).error();
            if (error != null) {
                errs.add(FieldError.invalid(p + ".valueExpression", value, error));
            }
        }
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}

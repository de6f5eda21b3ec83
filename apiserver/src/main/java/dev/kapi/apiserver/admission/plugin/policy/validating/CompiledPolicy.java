package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.plugin.cel.CelInput;
import dev.kapi.apiserver.admission.plugin.cel.CompiledExpression;
import dev.kapi.apiserver.admission.plugin.cel.Evaluation;
import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler;
import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler.Returns;
import dev.kapi.apiserver.admission.plugin.cel.MatchConditions;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A policy's expressions compiled once (kube's {@code compilePolicy} and {@code validator}): variables, match
 * conditions, validations with their messageExpressions, and audit annotations. An expression that does not
 * compile is not an exception: evaluating it is an error handled by the policy's failurePolicy, as in kube.
 */
final class CompiledPolicy {

    /** kube's limits on a messageExpression's result ({@code MaxEvaluatedMessageExpressionSizeBytes}). */
    static final int MAX_MESSAGE_BYTES = 5 * 1024;

    /** What a policy decided for one request and one param. */
    record Result(List<PolicyDecision> decisions, List<PolicyDecision.AuditAnnotation> auditAnnotations) {
        static final Result NONE = new Result(List.of(), List.of());
    }

    private final boolean ignore;
    private final List<CompiledExpression> variables;
    private final MatchConditions matchConditions;
    private final List<Validation> validations;
    private final List<CompiledExpression> checks = new ArrayList<>();
    private final List<CompiledExpression> messages = new ArrayList<>();
    private final List<AuditAnnotation> annotations;
    private final List<CompiledExpression> annotationValues = new ArrayList<>();

    CompiledPolicy(ValidatingAdmissionPolicy policy) {
        ValidatingAdmissionPolicySpec spec = policy.getSpec();
        this.ignore = "Ignore".equals(spec.getFailurePolicy());
        ExpressionCompiler compiler = ExpressionCompiler.create(spec.getParamKind() != null);
        for (Variable v : list(spec.getVariables())) {
            compiler.variable(v.getName(), v.getExpression());
        }
        this.variables = compiler.variables();
        List<MatchConditions.Condition> conditions = list(spec.getMatchConditions()).stream()
                .map(c -> new MatchConditions.Condition(c.getName(), c.getExpression())).toList();
        this.matchConditions = conditions.isEmpty() ? null : MatchConditions.compile(compiler,
                conditions.subList(0, Math.min(conditions.size(), MatchConditions.MAX)));
        this.validations = list(spec.getValidations());
        for (Validation v : validations) {
            checks.add(compiler.compile(v.getExpression(), Returns.BOOL, true));
            boolean hasMessage = v.getMessageExpression() != null && !v.getMessageExpression().isEmpty();
            messages.add(hasMessage ? compiler.compile(v.getMessageExpression(), Returns.STRING, false) : null);
        }
        this.annotations = list(spec.getAuditAnnotations());
        for (AuditAnnotation a : annotations) {
            annotationValues.add(compiler.compile(a.getValueExpression(), Returns.STRING_OR_NULL, true));
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** Every compile error, by the field of the expression ({@code spec.validations[0].expression}). */
    Map<String, String> compileErrors() {
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            put(errors, "spec.variables[" + i + "].expression", variables.get(i));
        }
        for (int i = 0; i < checks.size(); i++) {
            put(errors, "spec.validations[" + i + "].expression", checks.get(i));
            put(errors, "spec.validations[" + i + "].messageExpression", messages.get(i));
        }
        for (int i = 0; i < annotationValues.size(); i++) {
            put(errors, "spec.auditAnnotations[" + i + "].valueExpression", annotationValues.get(i));
        }
        if (matchConditions != null) {
            // the conditions' own errors, in order; kube reports them only when the policy is evaluated
            List<String> conditionErrors = matchConditions.compileErrors();
            for (int i = 0; i < conditionErrors.size(); i++) {
                errors.put("spec.matchConditions[" + i + "]", conditionErrors.get(i));
            }
        }
        return errors;
    }

    private static void put(Map<String, String> errors, String field, CompiledExpression e) {
        if (e != null && !e.compiled()) {
            errors.put(field, e.error());
        }
    }

    /** Evaluates the policy for one request (its input carrying params, namespace and authorizer). */
    Result validate(CelInput input) {
        if (matchConditions != null) {
            MatchConditions.Result matched = matchConditions.evaluate(input);
            if (matched instanceof MatchConditions.Error e) {
                return ignore ? Result.NONE : new Result(List.of(PolicyDecision.error(false, e.message())), List.of());
            }
            if (matched instanceof MatchConditions.NoMatch) {
                return Result.NONE;
            }
        }
        Evaluation evaluation = new Evaluation(input, variables, true, Evaluation.RUNTIME_BUDGET);
        List<Evaluation.Result> results = new ArrayList<>();
        try {
            for (CompiledExpression check : checks) {
                results.add(evaluation.evaluate(check));
            }
        } catch (Evaluation.OutOfBudget e) {
            return new Result(List.of(PolicyDecision.error(ignore, e.getMessage())), List.of());
        }
        List<Evaluation.Result> messageResults = new ArrayList<>();
        String messageFailure = null;
        Evaluation messageEvaluation = new Evaluation(input, variables, false, evaluation.remaining());
        try {
            for (CompiledExpression m : messages) {
                messageResults.add(m == null ? null : messageEvaluation.evaluate(m));
            }
        } catch (Evaluation.OutOfBudget e) {
            messageFailure = "failed messageExpression: " + e.getMessage();
        }
        List<PolicyDecision> decisions = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Evaluation.Result r = results.get(i);
            if (r.error() != null) {
                decisions.add(PolicyDecision.error(ignore, r.error()));
            } else if (messageFailure != null) {
                decisions.add(PolicyDecision.error(ignore, messageFailure));
            } else if (!r.isTrue()) {
                Validation v = validations.get(i);
                String reason = v.getReason() == null || v.getReason().isEmpty() ? "Invalid" : v.getReason();
                decisions.add(new PolicyDecision(PolicyDecision.Action.DENY, PolicyDecision.Evaluated.DENY,
                        message(v, i < messageResults.size() ? messageResults.get(i) : null), reason));
            } else {
                decisions.add(PolicyDecision.admit());
            }
        }
        List<PolicyDecision.AuditAnnotation> published;
        try {
            published = auditAnnotations(input);
        } catch (Evaluation.OutOfBudget e) {
            return new Result(List.of(PolicyDecision.error(ignore, e.getMessage())), List.of());
        }
        return new Result(decisions, published);
    }

    /** kube's message of a denial: the messageExpression's, else the message, else the failed expression. */
    private static String message(Validation v, Evaluation.Result fromExpression) {
        if (fromExpression != null && fromExpression.error() == null && fromExpression.value() instanceof String s) {
            String m = s.strip();
            if (m.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_MESSAGE_BYTES && !m.contains("\n")
                    && !m.isEmpty()) {
                return m;
            }
        }
        if (v.getMessage() != null && !v.getMessage().strip().isEmpty()) {
            return v.getMessage().strip();
        }
        return "failed expression: " + v.getExpression().strip();
    }

    /** The audit annotations, evaluated without the authorizer and with a budget of their own, as kube does. */
    private List<PolicyDecision.AuditAnnotation> auditAnnotations(CelInput input) {
        Evaluation evaluation = new Evaluation(input, variables, false, Evaluation.RUNTIME_BUDGET);
        List<PolicyDecision.AuditAnnotation> out = new ArrayList<>();
        for (int i = 0; i < annotations.size(); i++) {
            AuditAnnotation a = annotations.get(i);
            Evaluation.Result r = evaluation.evaluate(annotationValues.get(i));
            if (r.error() != null) {
                out.add(new PolicyDecision.AuditAnnotation(a.getKey(), null, ignore
                        ? PolicyDecision.AuditAnnotation.Outcome.EXCLUDE : PolicyDecision.AuditAnnotation.Outcome.ERROR,
                        r.error()));
            } else if (r.value() instanceof String s) {
                String value = s.strip();
                out.add(new PolicyDecision.AuditAnnotation(a.getKey(), value, value.isEmpty()
                        ? PolicyDecision.AuditAnnotation.Outcome.EXCLUDE : PolicyDecision.AuditAnnotation.Outcome.PUBLISH,
                        null));
            } else if (r.value() instanceof dev.cel.common.values.NullValue) {
                out.add(new PolicyDecision.AuditAnnotation(a.getKey(), null,
                        PolicyDecision.AuditAnnotation.Outcome.EXCLUDE, null));
            } else {
                out.add(new PolicyDecision.AuditAnnotation(a.getKey(), null,
                        PolicyDecision.AuditAnnotation.Outcome.ERROR, "valueExpression '" + a.getValueExpression()
                        + "' resulted in unsupported return type: " + typeName(r.value())
                        + ". Return type must be either string or null."));
            }
        }
        return out;
    }

    private static String typeName(Object v) {
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Double) {
            return "double";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "map";
        }
        return v == null ? "null_type" : v.getClass().getSimpleName();
    }
}

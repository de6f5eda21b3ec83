package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's {@code validateMatchConditions} for webhooks and policies: at most 64, each with a qualified name
 * (unique) and an expression that compiles to a bool with {@code object}, {@code oldObject}, {@code request},
 * {@code authorizer} (and {@code params} for a policy with a paramKind), never {@code variables}: the admission
 * CEL environment without composition.
 */
final class MatchConditionChecks {

    static final int MAX = 64;

    private MatchConditionChecks() {
    }

    static void validate(List<MatchCondition> conditions, boolean allowParams, String path, List<FieldError> errs) {
        if (conditions.size() > MAX) {
            errs.add(new FieldError(FieldError.Type.TOO_MANY, path, conditions.size(),
                    "must have at most " + MAX + " items"));
        }
        Set<String> names = new HashSet<>();
        ExpressionCompiler compiler = ExpressionCompiler.withoutVariables(allowParams);
        for (int i = 0; i < conditions.size(); i++) {
            MatchCondition c = conditions.get(i);
            String p = path + "[" + i + "]";
            String expression = c.getExpression() == null ? "" : c.getExpression().strip();
            if (expression.isEmpty()) {
                errs.add(FieldError.required(p + ".expression", ""));
            } else {
                String error = compiler.compile(expression, ExpressionCompiler.Returns.BOOL, true).error();
                if (error != null) {
                    errs.add(FieldError.invalid(p + ".expression", expression, error));
                }
            }
            String name = c.getName() == null ? "" : c.getName();
            if (name.isEmpty()) {
                errs.add(FieldError.required(p + ".name", ""));
            } else {
                for (String msg : NameValidation.qualifiedName(name)) {
                    errs.add(FieldError.invalid(p + ".name", name, msg));
                }
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(p + ".name", name));
                }
            }
        }
    }
}

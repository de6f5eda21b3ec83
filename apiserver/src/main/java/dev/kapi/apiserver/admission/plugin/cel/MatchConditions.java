package dev.kapi.apiserver.admission.plugin.cel;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code matchConditions} of a webhook or policy (kube's {@code matchconditions.Matcher} without the failure
 * policy, which the caller applies): compiled once, then evaluated per request. Every condition is evaluated;
 * the request matches when all are true. The first false one makes it not match, whatever errors other
 * conditions had; otherwise any error makes the result an {@link Error} with kube's message (one error's own
 * text, several as {@code [e1, e2]}), e.g. {@code expression 'object.x' resulted in error: no such key: x} or
 * {@code compilation error: compilation failed: ERROR: <input>:1:1: ...}.
 *
 * <p>Example (a webhook): {@code MatchConditions m = MatchConditions.compile(conditions);} then per request
 * {@code m.evaluate(CelInput.of(attributes).at(resource, kind).withAuthorizer(authz))}; on {@link Error} a
 * failurePolicy of Fail rejects, Ignore skips the webhook.
 */
public final class MatchConditions {

    /** kube's limit on the number of match conditions of one webhook or policy. */
    public static final int MAX = 64;

    /** One {@code {name, expression}} condition. */
    public record Condition(String name, String expression) {
    }

    /** The outcome of evaluating the conditions. */
    public sealed interface Result permits Match, NoMatch, Error {
    }

    public record Match() implements Result {
    }

    /** {@code condition}: the name of the first condition that was false. */
    public record NoMatch(String condition) implements Result {
    }

    public record Error(String message) implements Result {
    }

    private final List<Condition> conditions;
    private final List<CompiledExpression> compiled;
    private final List<CompiledExpression> variables;

    private MatchConditions(List<Condition> conditions, List<CompiledExpression> compiled,
                            List<CompiledExpression> variables) {
        this.conditions = conditions;
        this.compiled = compiled;
        this.variables = variables;
    }

    /** A webhook's conditions: no params; the authorizer is declared. */
    public static MatchConditions compile(List<Condition> conditions) {
        return compile(ExpressionCompiler.create(false), conditions);
    }

    /** A policy's conditions, in the compiler that holds its params and variables. */
    public static MatchConditions compile(ExpressionCompiler compiler, List<Condition> conditions) {
        if (conditions.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " match conditions, not " + conditions.size());
        }
        List<CompiledExpression> compiled = new ArrayList<>();
        for (Condition c : conditions) {
            compiled.add(compiler.compile(c.expression(), ExpressionCompiler.Returns.BOOL, true));
        }
        return new MatchConditions(List.copyOf(conditions), List.copyOf(compiled), compiler.variables());
    }

    /** The compile errors, one per condition that did not compile (kube's {@code CompilationErrors}). */
    public List<String> compileErrors() {
        return compiled.stream().filter(c -> !c.compiled()).map(CompiledExpression::error).toList();
    }

    public boolean isEmpty() {
        return conditions.isEmpty();
    }

    /** Evaluates every condition against {@code input} within kube's match-condition budget. */
    public Result evaluate(CelInput input) {
        Evaluation evaluation = new Evaluation(input, variables, true, Evaluation.MATCH_CONDITIONS_BUDGET);
        List<Evaluation.Result> results = new ArrayList<>();
        try {
            for (CompiledExpression c : compiled) { // all of them, as kube: the budget may run out after a false one
                results.add(evaluation.evaluate(c));
            }
        } catch (Evaluation.OutOfBudget e) {
            return new Error(e.getMessage());
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Evaluation.Result r = results.get(i);
            if (r.error() != null) {
                errors.add(r.error());
            } else if (r.isFalse()) {
                return new NoMatch(conditions.get(i).name());
            }
        }
        if (!errors.isEmpty()) {
            return new Error(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
        }
        return new Match();
    }
}

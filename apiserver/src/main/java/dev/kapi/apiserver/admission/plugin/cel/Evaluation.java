package dev.kapi.apiserver.admission.plugin.cel;

import dev.kapi.apiserver.cel.CelErrors;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.kapi.apiserver.cel.RuntimeCost;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates compiled expressions against one {@link CelInput} (kube's activation and {@code ForInput}):
 * {@code variables.<name>} is evaluated on first use and then reused by every expression of this evaluation;
 * all of them spend one runtime cost budget, counted as kube counts it ({@link RuntimeCost}: each evaluated
 * expression node at least 1, string and list functions by the size of what they read and build, an
 * authorization check 350,000). An expression that costs more than {@link #PER_CALL_LIMIT} fails with cel-go's
 * {@code operation cancelled: actual cost limit exceeded}; running out of the budget ends the whole evaluation
 * ({@link OutOfBudget}, kube's message).
 *
 * <p>Example: {@code Evaluation e = new Evaluation(input, compiler.variables(), true, Evaluation.RUNTIME_BUDGET);}
 * then {@code e.evaluate(validation)} for each validation: a value, or an error such as
 * {@code expression 'object.spec.x > 1' resulted in error: no such key: x}.
 */
public final class Evaluation {

    /** kube's budget for one policy binding's validations ({@code RuntimeCELCostBudget}). */
    public static final long RUNTIME_BUDGET = 10_000_000L;
    /** kube's budget for one set of match conditions ({@code RuntimeCELCostBudgetMatchConditions}). */
    public static final long MATCH_CONDITIONS_BUDGET = 2_500_000L;
    /** kube's cost limit of one expression ({@code PerCallLimit}). */
    public static final long PER_CALL_LIMIT = 1_000_000L;
    public static final String OUT_OF_BUDGET_MESSAGE =
            "validation failed due to running out of cost budget, no further validation rules will be run";

    /** An expression's value, or the error it ended with in kube's words. */
    public record Result(Object value, String error) {
        public boolean isTrue() {
            return error == null && Boolean.TRUE.equals(value);
        }

        public boolean isFalse() {
            return error == null && Boolean.FALSE.equals(value);
        }
    }

    /** The budget ran out: nothing more of this evaluation runs. */
    public static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super(OUT_OF_BUDGET_MESSAGE, null, false, false);
        }
    }

    /** One expression over {@link #PER_CALL_LIMIT}. */
    private static final class CallLimit extends RuntimeException {
        CallLimit() {
            super(null, null, false, false);
        }
    }

    private final Map<String, Object> activation;
    private long remaining;

    /**
     * @param variables  the policy's compiled variables ({@link ExpressionCompiler#variables()})
     * @param authorizer whether {@code authorizer} is bound (when the input has one)
     */
    public Evaluation(CelInput input, List<CompiledExpression> variables, boolean authorizer, long budget) {
        this.remaining = budget;
        this.activation = new HashMap<>(input.values());
        this.activation.put("variables", new LazyVariables(variables));
        if (authorizer && input.authorizer() != null) {
            this.activation.putAll(input.authorizerValues());
        }
    }

    /** The budget left. */
    public long remaining() {
        return remaining;
    }

    /**
     * Evaluates {@code e}: its value, or its error ({@code compilation error: ...} when it did not compile,
     * {@code expression '<e>' resulted in error: <cel-go's error>} when evaluation failed).
     *
     * @throws OutOfBudget when the budget ran out (kube stops evaluating)
     */
    public Result evaluate(CompiledExpression e) {
        if (!e.compiled()) {
            return new Result(null, "compilation error: " + e.error());
        }
        try {
            return new Result(run(e.program()), null);
        } catch (CallLimit c) {
            return failed(e, "operation cancelled: actual cost limit exceeded");
        } catch (CelEvaluationException ex) {
            return failed(e, CelErrors.runtime(ex));
        }
    }

    private static Result failed(CompiledExpression e, String error) {
        return new Result(null, "expression '" + e.expression() + "' resulted in error: " + error);
    }

    /** Runs a program within the budget; budget and call-limit failures come out as their own exceptions. */
    private Object run(CelRuntime.Program program) throws CelEvaluationException {
        RuntimeCost cost = new RuntimeCost(() -> Math.min(remaining, PER_CALL_LIMIT),
                c -> c > remaining ? new OutOfBudget() : new CallLimit());
        try {
            return cost.trace(program, activation);
        } catch (CelEvaluationException ex) {
            Throwable cause = ex.getCause();
            while (cause != null) {
                if (cause instanceof OutOfBudget o) {
                    throw o;
                }
                if (cause instanceof CallLimit c) {
                    throw c;
                }
                cause = cause.getCause();
            }
            throw ex;
        } finally {
            remaining -= cost.cost();
        }
    }

    /** {@code variables}: each evaluated when first read, then kept (an error too). */
    private final class LazyVariables extends AbstractMap<String, Object> {

        private final Map<String, CompiledExpression> byName = new LinkedHashMap<>();
        private final Map<String, Object> values = new HashMap<>();

        LazyVariables(List<CompiledExpression> variables) {
            variables.forEach(v -> byName.put(v.name(), v));
        }

        @Override
        public boolean containsKey(Object key) {
            return byName.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            CompiledExpression v = byName.get(key);
            if (v == null) {
                return null;
            }
            Object value = values.get(v.name());
            if (value == null) { // not computeIfAbsent: a variable may read another one while it is computed
                value = compute(v);
                values.put(v.name(), value);
            }
            if (value instanceof CelErrors.VariableError error) {
                throw error;
            }
            return value;
        }

        private Object compute(CompiledExpression v) {
            if (!v.compiled()) {
                return new CelErrors.VariableError(
                        "composited variable \"" + v.name() + "\" fails to compile: " + v.error());
            }
            try {
                return run(v.program());
            } catch (CallLimit c) {
                return new CelErrors.VariableError("composited variable \"" + v.name()
                        + "\" fails to evaluate: operation cancelled: actual cost limit exceeded");
            } catch (CelEvaluationException ex) {
                return new CelErrors.VariableError(
                        "composited variable \"" + v.name() + "\" fails to evaluate: " + CelErrors.runtime(ex));
            }
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            byName.keySet().forEach(k -> all.put(k, get(k)));
            return all.entrySet();
        }
    }
}

package dev.kapi.apiserver.cel;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The runtime cost of one CEL evaluation, counted as cel-go's cost tracker counts it for kube: each evaluated
 * expression node costs at least 1, and a call costs what kube charges for it ({@link CallCost}): string and
 * list functions by the size of what they read and build, an authorization check 350,000. Once the cost is over
 * the limit the evaluation stops with the exception the evaluator gave, and stays stopped (an error absorbed by
 * {@code ||} does not let it go on).
 *
 * <p>cel-java reports a node only after it is evaluated, so the functions that can build values far larger than
 * their arguments ({@code replace}, {@code join}, {@code format}) ask {@link #reserveString} first: a result whose
 * cost would not fit in what is left is refused before it is built.
 *
 * <p>Example: {@code new RuntimeCost(() -> limit, cost -> new OutOfBudget()).trace(program, vars)}.
 */
public final class RuntimeCost {

    private static final ThreadLocal<RuntimeCost> CURRENT = new ThreadLocal<>();

    private final LongSupplier limit;
    private final LongFunction<RuntimeException> exceeded;
    private final Map<Long, Object> values = new HashMap<>();
    private long cost;

    /**
     * @param limit    the most the evaluation may cost, asked at each step (it may shrink while it runs)
     * @param exceeded the exception that stops an evaluation whose cost went over the limit, given that cost
     */
    public RuntimeCost(LongSupplier limit, LongFunction<RuntimeException> exceeded) {
        this.limit = limit;
        this.exceeded = exceeded;
    }

    /** The cost so far. */
    public long cost() {
        return cost;
    }

    /**
     * Evaluates {@code program} on {@code vars}, counting its cost.
     *
     * @throws RuntimeException the {@code exceeded} exception, when the cost went over the limit
     */
    public Object trace(CelRuntime.Program program, Map<String, ?> vars) throws CelEvaluationException {
        RuntimeCost outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return program.trace(vars, this::observe);
        } catch (CelEvaluationException e) {
            if (cost > limit.getAsLong()) {
                throw exceeded.apply(cost);
            }
            throw e;
        } finally {
            values.clear();
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /**
     * Refuses, with the running evaluation's exception, to build a string of {@code length} characters whose
     * cost would not fit in what is left of its limit; nothing is charged (the call is, once it returns).
     * Outside an evaluation this does nothing.
     */
    public static void reserveString(long length) {
        RuntimeCost c = CURRENT.get();
        if (c != null) {
            c.reserve(CallCost.traversal(length));
        }
    }

    private void reserve(long units) {
        long max = limit.getAsLong();
        if (saturatedAdd(cost, units) > max) {
            cost = Math.max(cost, saturatedAdd(max, 1)); // as if the call had just gone over, as in kube
            throw exceeded.apply(cost);
        }
    }

    private void observe(CelExpr expr, Object value) {
        long units = 1;
        if (expr.getKind() == CelExpr.ExprKind.Kind.CALL) {
            units = Math.max(1, CallCost.of(expr.call().function(), args(expr.call()), value));
        }
        values.put(expr.id(), value);
        cost = saturatedAdd(cost, units);
        if (cost > limit.getAsLong()) {
            throw exceeded.apply(cost);
        }
    }

    /** The values of a call's target and arguments, evaluated just before it (null: not evaluated). */
    private List<Object> args(CelExpr.CelCall call) {
        List<Object> args = new ArrayList<>(call.args().size() + 1);
        call.target().ifPresent(t -> args.add(values.remove(t.id())));
        for (CelExpr a : call.args()) {
            args.add(values.remove(a.id()));
        }
        return args;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}

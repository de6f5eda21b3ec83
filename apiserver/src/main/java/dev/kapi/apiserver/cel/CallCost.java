package dev.kapi.apiserver.cel;

import dev.cel.common.values.CelByteString;
import java.util.List;
import java.util.Map;

/**
 * The runtime cost of one call, as cel-go's cost tracker and kube's library cost estimator
 * ({@code k8s.io/apiserver/pkg/cel/library/cost.go}) charge it: a tenth of a unit per character a string function
 * reads or builds (cel-go's {@code StringTraversalCostFactor}), the size of a list searched by {@code in}, a
 * regex its string times a quarter of its pattern length, an authorization {@code check()} 350,000, anything else
 * 1. Kapi also charges what kube leaves at 1 but lets grow: a list built by {@code +} costs the size of its right
 * side, a {@code replace} and a {@code format} the length of their result.
 */
final class CallCost {

    /** kube's cost of one authorization check: two per expression at most. */
    static final long AUTHZ_CHECK = 350_000;
    private static final double STRING_FACTOR = 0.1;
    private static final double REGEX_FACTOR = 0.25;

    private CallCost() {
    }

    /** The cost of traversing (reading or building) {@code length} characters or bytes. */
    static long traversal(long length) {
        return (long) Math.ceil(length * STRING_FACTOR);
    }

    /**
     * The cost of a call of {@code function} on {@code args} (its target first; null where not evaluated) that
     * returned {@code result}.
     */
    static long of(String function, List<Object> args, Object result) {
        Object a = args.isEmpty() ? null : args.get(0);
        Object b = args.size() > 1 ? args.get(1) : null;
        return switch (function) {
            case "check" -> AUTHZ_CHECK;
            case "startsWith", "endsWith", "lowerAscii", "upperAscii", "substring", "trim", "url", "ip", "cidr",
                 "isIP", "isCIDR", "quantity", "isQuantity" -> traversal(size(a));
            case "string" -> a instanceof CelByteString ? traversal(size(a)) : 1;
            case "bytes" -> a instanceof String ? traversal(size(a)) : 1;
            case "ip.isCanonical", "split" -> traversal(2 * size(a));
            case "replace" -> Math.max(traversal(2 * size(a)), traversal(size(a)) + traversal(size(result)));
            case "join" -> traversal(2 * size(result));
            case "format", "strings.quote" -> traversal(size(a)) + traversal(size(result));
            case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf" -> deepTraversal(a);
            case "@in" -> b instanceof List<?> l ? l.size() : 1;
            case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_" -> traversal(Math.min(size(a), size(b)));
            case "_+_" -> a instanceof List<?> ? size(b) : isText(a) ? traversal(size(a) + size(b)) : 1;
            case "matches", "find", "findAll" -> traversal(1 + size(a)) * (long) Math.ceil(size(b) * REGEX_FACTOR);
            case "contains" -> isText(a) && isText(b) ? traversal(size(a)) * traversal(size(b)) : 1;
            case "containsIP" -> 1 + (b instanceof String ? traversal(size(b)) : 0);
            case "containsCIDR" -> 3 + (b instanceof String ? traversal(size(b)) : 0);
            default -> 1;
        };
    }

    private static boolean isText(Object v) {
        return v instanceof String || v instanceof CelByteString;
    }

    /** cel-go's {@code actualSize}: the length of a string or bytes, the size of a list or map, else 1. */
    static long size(Object v) {
        return switch (v) {
            case String s -> s.length();
            case CelByteString b -> b.size();
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case null, default -> 1;
        };
    }

    /** kube's {@code traversalCost}: every string and byte a tenth, every other leaf 1, through lists and maps. */
    private static long deepTraversal(Object v) {
        return switch (v) {
            case String s -> (long) (s.length() * STRING_FACTOR);
            case CelByteString b -> (long) (b.size() * STRING_FACTOR);
            case List<?> l -> l.stream().mapToLong(CallCost::deepTraversal).sum();
            case Map<?, ?> m -> m.entrySet().stream()
                    .mapToLong(e -> deepTraversal(e.getKey()) + deepTraversal(e.getValue())).sum();
            case null, default -> 1;
        };
    }
}

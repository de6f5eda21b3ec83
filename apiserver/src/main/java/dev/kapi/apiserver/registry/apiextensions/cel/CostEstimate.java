package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conservative static estimate of a rule's worst-case cost, our own (cel-java 0.14 has no cost estimator):
 * each identifier, field selection and call costs 1, a list or map literal 10, size-dependent functions
 * (string search, regex, concatenation, list scans) one tenth of the maximum size of what they scan (equality:
 * of the smaller side), and a
 * comprehension ({@code all}, {@code exists}, {@code map}, {@code filter}) its body times the maximum size of
 * its range. Sizes come from the schema: {@code maxItems}, {@code maxProperties}, {@code maxLength}, and when
 * those are absent kube's bound from the 3 MiB request limit (divided by the element's smallest JSON size).
 */
final class CostEstimate {

    static final long MAX_REQUEST_BYTES = 3 * 1024 * 1024;
    private static final long CAP = Long.MAX_VALUE / 8;
    private static final Set<String> STRING_SCANS = Set.of("contains", "startsWith", "endsWith", "matches", "find",
            "findAll", "lowerAscii", "upperAscii", "replace", "split", "substring", "trim", "indexOf", "lastIndexOf",
            "join", "charAt", "reverse", "_+_", "_==_", "_!=_", "isSorted", "sum", "min", "max", "@in", "url",
            "isURL", "quantity", "isQuantity", "sort", "ip", "isIP", "cidr", "isCIDR",
            "semver", "isSemver", "format");
    private static final RuleSchema KEY = new RuleSchema("string", "", Map.of(), null, null, false, false, false, "",
            List.of(), "", null, null, null, List.of());

    private final Map<String, RuleSchema> vars = new HashMap<>();
    private final CelAbstractSyntaxTree ast;

    private CostEstimate(CelAbstractSyntaxTree ast, RuleSchema self) {
        this.ast = ast;
        vars.put("self", self);
        vars.put("oldSelf", self);
    }

    /** The estimated worst-case cost of one evaluation of {@code expr} with {@code self} typed by {@code self}. */
    static long of(CelAbstractSyntaxTree ast, RuleSchema self) {
        return new CostEstimate(ast, self).cost(ast.getExpr());
    }

    /** How many values a node of this schema can have under an unbounded list or map: kube's maxCardinality. */
    static long unboundedCount(RuleSchema elem) {
        return MAX_REQUEST_BYTES / (minSerializedSize(elem) + 1);
    }

    static long mul(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > CAP / b ? CAP : a * b;
    }

    private static long add(long a, long b) {
        return Math.min(CAP, a + b);
    }

    private long cost(CelExpr e) {
        switch (e.exprKind().getKind()) {
            case CONSTANT:
                return 0;
            case IDENT:
                return 1;
            case SELECT:
                return add(1, cost(e.select().operand()));
            case LIST: {
                long c = 10;
                for (CelExpr x : e.list().elements()) {
                    c = add(c, cost(x));
                }
                return c;
            }
            case MAP: {
                long c = 10;
                for (CelExpr.CelMap.Entry x : e.map().entries()) {
                    c = add(c, add(cost(x.key()), cost(x.value())));
                }
                return c;
            }
            case CALL:
                return call(e.call());
            case COMPREHENSION:
                return comprehension(e.comprehension());
            default:
                return 1;
        }
    }

    private long call(CelExpr.CelCall c) {
        long total = 1;
        CelExpr scanned = null;
        if (c.target().isPresent()) {
            total = add(total, cost(c.target().get()));
            scanned = c.target().get();
        }
        for (CelExpr a : c.args()) {
            total = add(total, cost(a));
            if (scanned == null || c.function().equals("@in")) {
                scanned = a;
            }
        }
        if (scanned != null && !sized(scanned)) {
            return total;
        }
        if ((c.function().equals("_==_") || c.function().equals("_!=_")) && c.args().size() == 2) {
            long size = Math.min(maxSize(c.args().get(0)), maxSize(c.args().get(1)));
            total = add(total, size / 10 + 1);
        } else if (STRING_SCANS.contains(c.function()) && scanned != null) {
            total = add(total, maxSize(scanned) / 10 + 1);
        }
        return total;
    }

    private long comprehension(CelExpr.CelComprehension c) {
        long n = maxSize(c.iterRange());
        RuleSchema elem = elementOf(c.iterRange());
        RuleSchema previous = vars.put(c.iterVar(), elem);
        long body = add(cost(c.loopCondition()), cost(c.loopStep()));
        if (previous == null) {
            vars.remove(c.iterVar());
        } else {
            vars.put(c.iterVar(), previous);
        }
        return add(add(cost(c.iterRange()), cost(c.accuInit())), add(mul(n, body), cost(c.result())));
    }

    /** Whether the value of {@code e} has a size that operations on it scale with (strings, lists, maps). */
    private boolean sized(CelExpr e) {
        CelKind kind = ast.getType(e.id()).map(CelType::kind).orElse(CelKind.DYN);
        return kind == CelKind.STRING || kind == CelKind.BYTES || kind == CelKind.LIST || kind == CelKind.MAP
                || kind == CelKind.STRUCT || kind == CelKind.DYN;
    }

    /** The schema node of an expression that is a path from self (or a loop variable), else null. */
    private RuleSchema nodeOf(CelExpr e) {
        switch (e.exprKind().getKind()) {
            case IDENT:
                return vars.get(e.ident().name());
            case SELECT: {
                RuleSchema parent = nodeOf(e.select().operand());
                if (parent == null) {
                    return null;
                }
                return parent.additionalProperties() != null ? parent.additionalProperties()
                        : parent.properties().get(e.select().field());
            }
            case CALL:
                if (e.call().function().equals("_[_]") && e.call().args().size() == 2) {
                    RuleSchema parent = nodeOf(e.call().args().get(0));
                    return parent == null ? null : parent.items() != null ? parent.items() : parent.additionalProperties();
                }
                return null;
            default:
                return null;
        }
    }

    private RuleSchema elementOf(CelExpr range) {
        RuleSchema n = nodeOf(range);
        if (n == null) {
            return null;
        }
        return n.isArray() ? n.items() : KEY;
    }

    private long maxSize(CelExpr e) {
        if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.LIST) {
            return e.list().elements().size();
        }
        if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
            return e.constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE
                    ? e.constant().stringValue().length() : 1;
        }
        RuleSchema n = nodeOf(e);
        if (n == null) {
            return MAX_REQUEST_BYTES;
        }
        if (n.isArray()) {
            return n.maxItems() != null ? n.maxItems() : unboundedCount(n.items());
        }
        if (n.isObject() && n.additionalProperties() == null && !n.properties().isEmpty()) {
            return n.properties().size();
        }
        if (n.isObject()) {
            return n.maxProperties() != null ? n.maxProperties()
                    : unboundedCount(n.additionalProperties() != null ? n.additionalProperties() : KEY);
        }
        if ("string".equals(n.type())) {
            return n.maxLength() != null ? n.maxLength() : MAX_REQUEST_BYTES;
        }
        return 1;
    }

    static long minSerializedSize(RuleSchema s) {
        if (s == null) {
            return 1;
        }
        return switch (s.type()) {
            case "string" -> 2;
            case "boolean" -> 4;
            case "object", "array" -> 2;
            default -> 1;
        };
    }
}

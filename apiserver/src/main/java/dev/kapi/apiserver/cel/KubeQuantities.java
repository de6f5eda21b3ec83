package dev.kapi.apiserver.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.kapi.apiserver.api.QuantityValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kube's CEL quantity library: {@code quantity(s)}, {@code isQuantity(s)} and on a quantity {@code sign()},
 * {@code isInteger()}, {@code asInteger()}, {@code asApproximateFloat()}, {@code add(q|int)},
 * {@code sub(q|int)}, {@code isLessThan(q)}, {@code isGreaterThan(q)}, {@code compareTo(q)}; {@code ==}
 * compares amounts ({@code quantity('1') == quantity('1000m')}).
 */
public final class KubeQuantities {

    static final OpaqueType TYPE = OpaqueType.create("kubernetes.Quantity");

    private static final Pattern FORMAT = Pattern.compile(
            "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

    /** A parsed quantity; equal when the amounts are. */
    record Quantity(BigDecimal amount) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Quantity q && q.amount.compareTo(amount) == 0;
        }

        @Override
        public int hashCode() {
            return amount.stripTrailingZeros().hashCode();
        }
    }

    private KubeQuantities() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(
                global("quantity", "string_to_quantity", TYPE, SimpleType.STRING),
                global("isQuantity", "is_quantity_string", SimpleType.BOOL, SimpleType.STRING),
                member("sign", "quantity_sign", SimpleType.INT),
                member("isInteger", "quantity_is_integer", SimpleType.BOOL),
                member("asInteger", "quantity_get_integer", SimpleType.INT),
                member("asApproximateFloat", "quantity_get_float", SimpleType.DOUBLE),
                CelFunctionDecl.newFunctionDeclaration("add",
                        CelOverloadDecl.newMemberOverload("quantity_add", TYPE, TYPE, TYPE),
                        CelOverloadDecl.newMemberOverload("quantity_add_int", TYPE, TYPE, SimpleType.INT)),
                CelFunctionDecl.newFunctionDeclaration("sub",
                        CelOverloadDecl.newMemberOverload("quantity_sub", TYPE, TYPE, TYPE),
                        CelOverloadDecl.newMemberOverload("quantity_sub_int", TYPE, TYPE, SimpleType.INT)),
                member("isLessThan", "quantity_less", SimpleType.BOOL, TYPE),
                member("isGreaterThan", "quantity_greater", SimpleType.BOOL, TYPE),
                member("compareTo", "quantity_compare_to", SimpleType.INT, TYPE));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_quantity", String.class, KubeQuantities::parse),
                CelFunctionBinding.from("is_quantity_string", String.class, s -> FORMAT.matcher(s).matches()),
                CelFunctionBinding.from("quantity_sign", Quantity.class, q -> (long) q.amount().signum()),
                CelFunctionBinding.from("quantity_is_integer", Quantity.class, q -> isInteger(q.amount())),
                CelFunctionBinding.from("quantity_get_integer", Quantity.class, KubeQuantities::asInteger),
                CelFunctionBinding.from("quantity_get_float", Quantity.class, q -> q.amount().doubleValue()),
                CelFunctionBinding.from("quantity_add", Quantity.class, Quantity.class,
                        (a, b) -> new Quantity(a.amount().add(b.amount()))),
                CelFunctionBinding.from("quantity_add_int", Quantity.class, Long.class,
                        (a, b) -> new Quantity(a.amount().add(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_sub", Quantity.class, Quantity.class,
                        (a, b) -> new Quantity(a.amount().subtract(b.amount()))),
                CelFunctionBinding.from("quantity_sub_int", Quantity.class, Long.class,
                        (a, b) -> new Quantity(a.amount().subtract(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_less", Quantity.class, Quantity.class,
                        (a, b) -> a.amount().compareTo(b.amount()) < 0),
                CelFunctionBinding.from("quantity_greater", Quantity.class, Quantity.class,
                        (a, b) -> a.amount().compareTo(b.amount()) > 0),
                CelFunctionBinding.from("quantity_compare_to", Quantity.class, Quantity.class,
                        (a, b) -> (long) a.amount().compareTo(b.amount())));
    }

    static Quantity parse(String s) throws CelEvaluationException {
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            throw new CelEvaluationException("quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        BigDecimal n = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        BigDecimal factor = switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" ->
                    new BigDecimal(BigInteger.TWO.pow(10 * ("KMGTPE".indexOf(suffix.charAt(0)) + 1)));
            case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
            case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
            case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
            case "k" -> BigDecimal.ONE.scaleByPowerOfTen(3);
            case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
            case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
            case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
            case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
            case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
            default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        return new Quantity(QuantityValues.bounded(n.multiply(factor), RoundingMode.UP)); // as kube's ParseQuantity
    }

    private static boolean isInteger(BigDecimal d) {
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0
                && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    private static long asInteger(Quantity q) throws CelEvaluationException {
        if (!isInteger(q.amount())) {
            throw new CelEvaluationException("cannot convert value to integer");
        }
        return q.amount().longValueExact();
    }

    private static CelFunctionDecl global(String name, String id, dev.cel.common.types.CelType result,
            dev.cel.common.types.CelType... args) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newGlobalOverload(id, result, args));
    }

    private static CelFunctionDecl member(String name, String id, dev.cel.common.types.CelType result,
            dev.cel.common.types.CelType... args) {
        dev.cel.common.types.CelType[] all = new dev.cel.common.types.CelType[args.length + 1];
        all[0] = TYPE;
        System.arraycopy(args, 0, all, 1, args.length);
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, all));
    }
}

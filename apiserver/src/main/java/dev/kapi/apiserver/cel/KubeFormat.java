package dev.kapi.apiserver.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.kapi.apiserver.api.GoQuote;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code string.format(list)} of cel-go's strings extension as kube enables it (locale en_US):
 * {@code %s}, {@code %d}, {@code %f} and {@code %e} (precision {@code %.Nf}, default 6), {@code %x}/{@code %X},
 * {@code %o}, {@code %b} and {@code %%}, with cel-go's runtime error messages. Doubles print as cel-go's en_US
 * printer prints them ({@code 1,234.50}, {@code 2.718280 × 10⁰⁰}); inside a list or map as {@code %.6f}.
 * Not done: timestamps and durations under {@code %s}, and cel-go's compile-time check of literal format
 * strings (a bad clause fails when the rule runs). The result grows only within the evaluation's cost budget
 * ({@link RuntimeCost#reserveString}).
 */
public final class KubeFormat {

    private static final String SUPERSCRIPT = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";

    private KubeFormat() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(CelFunctionDecl.newFunctionDeclaration("format",
                CelOverloadDecl.newMemberOverload("string_format", SimpleType.STRING, SimpleType.STRING,
                        ListType.create(SimpleType.DYN))));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(CelFunctionBinding.from("string_format", String.class, List.class, KubeFormat::format));
    }

    static String format(String f, List<?> args) throws CelEvaluationException {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < f.length() && f.charAt(i + 1) == '%') {
                out.append('%');
                i += 2;
                continue;
            }
            if (arg >= args.size()) {
                throw new CelEvaluationException("index " + arg + " out of range");
            }
            if (i + 1 >= f.length()) {
                throw new CelEvaluationException("unexpected end of string");
            }
            int j = i + 1;
            Integer precision = null;
            if (f.charAt(j) == '.') {
                int start = ++j;
                while (j < f.length() && f.charAt(j) >= '0' && f.charAt(j) <= '9') {
                    j++;
                }
                if (j >= f.length()) {
                    throw new CelEvaluationException("could not parse formatting clause: error while parsing precision: "
                            + "could not find end of precision specifier");
                }
                if (j == start || j - start > 9) {
                    String digits = f.substring(start, j);
                    throw new CelEvaluationException("could not parse formatting clause: error while parsing precision: "
                            + "error while converting precision to integer: strconv.Atoi: parsing "
                            + GoQuote.quote(digits) + (j == start ? ": invalid syntax" : ": value out of range"));
                }
                precision = Integer.valueOf(f.substring(start, j));
                RuntimeCost.reserveString(out.length() + (long) precision); // %.999999999f: refused, not built
            }
            out.append(clause(f.charAt(j), precision == null ? 6 : precision, args.get(arg)));
            RuntimeCost.reserveString(out.length()); // many large arguments: stops once over the budget
            arg++;
            i = j + 1;
        }
        return out.toString();
    }

    private static String clause(char verb, int precision, Object v) throws CelEvaluationException {
        return switch (verb) {
            case 's' -> string(v);
            case 'd' -> v instanceof Long || v instanceof UnsignedLong ? v.toString()
                    : fail("decimal clause can only be used on integers", v);
            case 'f' -> fixed(real(v, "fixed-point clause can only be used on doubles"), precision);
            case 'e' -> scientific(real(v, "scientific clause can only be used on doubles"), precision);
            case 'b' -> v instanceof Boolean b ? (b ? "1" : "0")
                    : radix(v, 2, "only integers and bools can be formatted as binary");
            case 'o' -> radix(v, 8, "octal clause can only be used on integers");
            case 'x', 'X' -> {
                String hex = v instanceof String s ? HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8))
                        : v instanceof CelByteString b ? HexFormat.of().formatHex(b.toByteArray())
                        : radix(v, 16, "only integers, byte buffers, and strings can be formatted as hex");
                yield verb == 'X' ? hex.toUpperCase(Locale.ROOT) : hex;
            }
            default -> throw new CelEvaluationException(
                    "could not parse formatting clause: unrecognized formatting clause \"" + verb + "\"");
        };
    }

    private static String string(Object v) throws CelEvaluationException {
        if (v instanceof String s) {
            return s;
        } else if (v instanceof Long || v instanceof UnsignedLong || v instanceof Boolean) {
            return v.toString();
        } else if (v instanceof Double d) {
            return goG(d);
        } else if (v instanceof CelByteString b) {
            return new String(b.toByteArray(), StandardCharsets.UTF_8);
        } else if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object e : l) {
                parts.add(quoted(e));
            }
            return "[" + String.join(", ", parts) + "]";
        } else if (v instanceof Map<?, ?> m) {
            List<String[]> pairs = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pairs.add(new String[] {quoted(e.getKey()), quoted(e.getValue())});
            }
            pairs.sort((a, b) -> a[0].compareTo(b[0]));
            List<String> parts = new ArrayList<>();
            for (String[] p : pairs) {
                parts.add(p[0] + ":" + p[1]);
            }
            return "{" + String.join(", ", parts) + "}";
        } else if (v == null || v instanceof dev.cel.common.values.NullValue || v instanceof com.google.protobuf.NullValue) {
            return "null";
        }
        return fail("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, "
                + "durations, and timestamps", v);
    }

    /** A list element or map value as cel-go prints it inside {@code %s}: doubles as Go's %.6f, strings quoted. */
    private static String quoted(Object v) throws CelEvaluationException {
        String s = v instanceof Double d ? plainFixed(d, 6) : string(v);
        if (v instanceof String) {
            return GoQuote.quote(s);
        } else if (v instanceof CelByteString) {
            return "b" + GoQuote.quote(s);
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return GoQuote.quote(s);
        }
        return s;
    }

    private static double real(Object v, String message) throws CelEvaluationException {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return Double.parseDouble(s);
        }
        fail(message, v);
        return 0;
    }

    private static String plainFixed(double d, int precision) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
        }
        String plain = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return (d < 0 || d == 0 && 1 / d < 0) && !plain.startsWith("-") ? "-" + plain : plain;
    }

    /** Go's %.Nf as golang.org/x/text prints it for en_US: digits grouped by commas, ∞ for infinity. */
    private static String fixed(double d, int precision) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "∞" : "-∞";
        }
        String plain = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).abs().toPlainString();
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < whole.length(); k++) {
            if (k > 0 && (whole.length() - k) % 3 == 0) {
                b.append(',');
            }
            b.append(whole.charAt(k));
        }
        return (d < 0 || d == 0 && 1 / d < 0 ? "-" : "") + b + (dot < 0 ? "" : plain.substring(dot));
    }

    /**
     * %.Ne as golang.org/x/text prints it for en_US: one digit, the fraction, and a power of ten in superscript
     * digits, at least two ({@code 2.718280 × 10⁰⁰}, narrow no-break spaces around the sign).
     */
    private static String scientific(double d, int precision) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "∞" : "-∞";
        }
        int exp = 0;
        BigDecimal m = BigDecimal.ZERO.setScale(precision);
        if (d != 0) {
            BigDecimal x = new BigDecimal(d).abs();
            exp = x.precision() - x.scale() - 1;
            m = x.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
            if (m.compareTo(BigDecimal.TEN) >= 0) {
                exp++;
                m = x.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
            }
        }
        String e = String.valueOf(Math.abs(exp));
        StringBuilder b = new StringBuilder(d < 0 || d == 0 && 1 / d < 0 ? "-" : "").append(m.toPlainString())
                .append("\u202f\u00d7\u202f10").append(exp < 0 ? "\u207b" : "");
        for (char c : (e.length() < 2 ? "0" + e : e).toCharArray()) {
            b.append(SUPERSCRIPT.charAt(c - '0'));
        }
        return b.toString();
    }

    /** Go's %g with the shortest digits (cel-go's double to string): 1e+06, 123456, 0.0001, 1e-05. */
    static String goG(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal x = BigDecimal.valueOf(Math.abs(d)).stripTrailingZeros();
        String digits = x.unscaledValue().toString();
        int exp = digits.length() - x.scale() - 1;
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String e = String.valueOf(Math.abs(exp));
            return sign + digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "") + "e"
                    + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + x.toPlainString();
    }

    private static String radix(Object v, int radix, String message) throws CelEvaluationException {
        if (v instanceof Long l) {
            return (l < 0 ? "-" : "") + BigInteger.valueOf(l).abs().toString(radix);
        }
        if (v instanceof UnsignedLong u) {
            return u.bigIntegerValue().toString(radix);
        }
        return fail(message, v);
    }

    private static String fail(String message, Object v) throws CelEvaluationException {
        throw new CelEvaluationException("error during formatting: " + message + ", was given " + typeName(v));
    }

    private static String typeName(Object v) {
        if (v instanceof String) {
            return "string";
        } else if (v instanceof Long) {
            return "int";
        } else if (v instanceof UnsignedLong) {
            return "uint";
        } else if (v instanceof Double) {
            return "double";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof CelByteString) {
            return "bytes";
        } else if (v instanceof List) {
            return "list";
        } else if (v instanceof Map) {
            return "map";
        }
        return v == null ? "null_type" : v.getClass().getSimpleName();
    }
}

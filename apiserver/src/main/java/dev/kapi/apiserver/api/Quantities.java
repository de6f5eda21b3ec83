package dev.kapi.apiserver.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The text of apimachinery's {@code resource.Quantity}: {@link #parse} is {@code ParseQuantity} (the value rounded
 * up to nano units, away from zero; a binary quantity capped at 2<sup>63</sup>-1), {@link #format} is
 * {@code CanonicalizeBytes} (the largest suffix that keeps the number whole: {@code 1500m}, {@code 2k},
 * {@code 1536Mi}, {@code 0}) and {@link #canonical} is what kube answers for a quantity it decoded: the canonical
 * text, or the text as sent when {@code ParseQuantity} already judged it canonical and kept it (its fast path:
 * at most 18 digits, no rounding, and for a decimal an exponent that is a multiple of 3, no {@code 000} at the end
 * and no leading zero after the point; for a binary one a number that is not a multiple of 8). That is why kube
 * keeps {@code 1e3}, {@code +1} and {@code 01} as sent but answers {@code 500m} for {@code 0.5}, {@code 1} for
 * {@code 1000m} and {@code 2Gi} for {@code 2048Mi}.
 *
 * <p>Example: {@code canonical("0.5")} is {@code 500m}; {@code canonical("1.5Gi")} is {@code 1536Mi};
 * {@code canonical("0.1Ki")} is {@code 102400m}; {@code canonical("1e-10")} is {@code 1e-9}.
 */
public final class Quantities {

    /** How a quantity is written (apimachinery's {@code Format}). */
    public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

    /** A parsed quantity: its exact value (nano units at most) and its format. */
    public record Parsed(BigDecimal value, Format format) {
    }

    /**
     * Digits beyond which a quantity is not parsed (null; its text is left as sent): no real quantity has them,
     * and BigDecimal takes time quadratic in them (a minute for a million), where kube's parser is linear.
     */
    public static final int MAX_DIGITS = 100;
    /** apimachinery's {@code maxInt64Factors}: digits the fast path takes. */
    private static final int MAX_INT64_FACTORS = 18;
    private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal NANO = BigDecimal.ONE.scaleByPowerOfTen(-9);
    private static final BigInteger KI = BigInteger.valueOf(1024);
    private static final BigDecimal KI_DECIMAL = BigDecimal.valueOf(1024);
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"}; // 10^-9 .. 10^18

    private Quantities() {
    }

    /** kube's {@code ParseQuantity}; null when {@code text} is not a quantity. */
    public static Parsed parse(String text) {
        Decoded d = decode(text);
        return d == null ? null : new Parsed(d.value, d.format);
    }

    /**
     * What kube answers for a quantity sent as {@code text} (already unquoted and trimmed, as
     * {@code UnmarshalJSON} does): the text itself when kube keeps it, else its canonical form; {@code text}
     * unchanged when it is not a quantity (the decoder reports that).
     */
    public static String canonical(String text) {
        Decoded d = decode(text);
        if (d == null || d.kept) {
            return text;
        }
        try {
            return format(d.value, d.format);
        } catch (ArithmeticException e) { // a scale beyond an int ("100e2147483647"): left as sent
            return text;
        }
    }

    /** kube's canonical text of {@code value} in {@code format} ({@code Quantity.String}). */
    public static String format(BigDecimal value, Format format) {
        if (value.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI && value.abs().compareTo(KI_DECIMAL) >= 0
                && value.stripTrailingZeros().scale() <= 0) {
            BigInteger mantissa = value.toBigIntegerExact();
            int power = 0;
            while (power < BINARY.length - 1 && mantissa.mod(KI).signum() == 0) {
                mantissa = mantissa.divide(KI);
                power++;
            }
            return mantissa + BINARY[power];
        }
        BigDecimal stripped = value.stripTrailingZeros();
        long exponent = -(long) stripped.scale();
        int down = (int) Math.floorMod(exponent, 3L);
        BigInteger mantissa = stripped.unscaledValue();
        if (down > 0) {
            mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
        }
        exponent -= down;
        if (format == Format.DECIMAL_EXPONENT) {
            return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
        }
        if (exponent >= -9 && exponent <= 18) {
            return mantissa + DECIMAL[(int) (exponent + 9) / 3];
        }
        return mantissa + "e" + exponent; // no suffix beyond E: kube falls back to an exponent
    }

    /** A parsed quantity, and whether kube keeps the text it came from. */
    private record Decoded(BigDecimal value, Format format, boolean kept) {
    }

    /** The pieces of kube's {@code parseQuantityString}: sign, digits before and after the point, suffix. */
    private record Scan(boolean positive, String num, String denom, String suffix) {
    }

    /** A suffix as kube's {@code quantitySuffixer.interpret} reads it. */
    private record Suffix(int base, int exponent, Format format) {
    }

    private static Decoded decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.equals("0")) {
            return new Decoded(BigDecimal.ZERO, Format.DECIMAL_SI, true);
        }
        Scan scan = scan(text);
        Suffix suffix = scan == null ? null : interpret(scan.suffix);
        if (suffix == null) {
            return null;
        }
        Decoded fast = fastPath(text, scan, suffix);
        if (fast != null) {
            return fast;
        }
        if (scan.num.length() + scan.denom.length() > MAX_DIGITS) {
            return null;
        }
        try {
            return slowPath(scan, suffix);
        } catch (ArithmeticException e) { // a scale beyond an int: kube's inf.Dec wraps; not a value to rewrite
            return null;
        }
    }

    /** kube's int64 path: exact, at most 18 digits, nano units or coarser; the text is kept when canonical. */
    private static Decoded fastPath(String text, Scan scan, Suffix suffix) {
        int precision;
        int scale = 0;
        long mantissa = 1;
        if (suffix.format == Format.BINARY_SI) {
            if (!scan.denom.isEmpty()) {
                return null;
            }
            mantissa = 1L << suffix.exponent;
            precision = 15 - scan.num.length() - suffix.exponent * 3 / 10 - 1;
        } else {
            scale = suffix.exponent;
            precision = MAX_INT64_FACTORS - scan.num.length() - scan.denom.length();
        }
        if (precision < 0) {
            return null;
        }
        scale -= scan.denom.length();
        if (scale < -9) {
            return null;
        }
        String shifted = scan.num + scan.denom;
        long value = Long.parseLong(shifted);
        long result;
        try {
            result = Math.multiplyExact(value, mantissa);
        } catch (ArithmeticException e) {
            return null;
        }
        boolean kept = suffix.format == Format.BINARY_SI ? suffix.exponent % 10 == 0 && (value & 0x07) != 0
                : scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
        return new Decoded(BigDecimal.valueOf(scan.positive ? result : -result, -scale), suffix.format, kept);
    }

    /** kube's inf.Dec path: any size, rounded up to nano units; a binary quantity capped, below 1 decimal. */
    private static Decoded slowPath(Scan scan, Suffix suffix) {
        BigDecimal amount = new BigDecimal(scan.denom.isEmpty() ? scan.num : scan.num + "." + scan.denom);
        amount = suffix.base == 10 ? amount.scaleByPowerOfTen(suffix.exponent)
                : amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(suffix.exponent)));
        if (amount.signum() != 0) {
            amount = roundUpToNano(amount);
        }
        Format format = suffix.format;
        if (format == Format.BINARY_SI && amount.compareTo(MAX_BINARY) > 0) {
            amount = MAX_BINARY;
        }
        if (format == Format.BINARY_SI && amount.signum() > 0 && amount.compareTo(BigDecimal.ONE) < 0) {
            format = Format.DECIMAL_SI;
        }
        return new Decoded(scan.positive ? amount : amount.negate(), format, false);
    }

    /** A positive amount rounded up to nano units, without expanding the digits of a tiny one. */
    private static BigDecimal roundUpToNano(BigDecimal amount) {
        if (amount.scale() <= 9) {
            return amount;
        }
        if ((long) amount.precision() - amount.scale() < -9) {
            return NANO;
        }
        return amount.setScale(9, RoundingMode.UP);
    }

    /** kube's {@code parseQuantityString}; null for its {@code ErrFormatWrong}. */
    private static Scan scan(String s) {
        int end = s.length();
        int pos = 0;
        boolean positive = true;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            positive = s.charAt(0) == '+';
            pos++;
        }
        while (pos < end && s.charAt(pos) == '0') {
            pos++;
        }
        if (pos >= end) {
            return new Scan(positive, "0", "", "");
        }
        int i = digits(s, pos);
        String num = s.substring(pos, i);
        if (i >= end) {
            return new Scan(positive, num, "", "");
        }
        if (num.isEmpty()) {
            num = "0";
        }
        pos = i;
        String denom = "";
        if (s.charAt(pos) == '.') {
            i = digits(s, pos + 1);
            denom = s.substring(pos + 1, i);
            if (i >= end) {
                return new Scan(positive, num, denom, "");
            }
            pos = i;
        }
        int suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos < end && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
            pos++;
        }
        return digits(s, pos) == end ? new Scan(positive, num, denom, s.substring(suffixStart)) : null;
    }

    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** A decimal or binary SI suffix, or a decimal exponent (truncated to an int32 as kube's is); else null. */
    private static Suffix interpret(String suffix) {
        for (int i = 0; i < DECIMAL.length; i++) {
            if (DECIMAL[i].equals(suffix)) {
                return new Suffix(10, i * 3 - 9, Format.DECIMAL_SI);
            }
        }
        for (int p = 1; p < BINARY.length; p++) {
            if (BINARY[p].equals(suffix)) {
                return new Suffix(2, p * 10, Format.BINARY_SI);
            }
        }
        if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                return new Suffix(10, (int) Long.parseLong(suffix.substring(1)), Format.DECIMAL_EXPONENT);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}

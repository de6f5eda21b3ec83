package dev.kapi.apiserver.admission.plugin;

import dev.kapi.apiserver.api.QuantityValues;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A quantity of a resource as apimachinery's {@code resource.Quantity} holds one, for the plugins' arithmetic
 * and messages (ResourceQuota, LimitRanger): its
 * value (rounded up to nanos, as parsing rounds it) and its format, which {@link #toString} prints in Go's
 * canonical form ({@code 1500m}, {@code 2k}, {@code 1536Mi}, {@code 0}): the largest suffix (a power of
 * 1000, or of 1024 for a binary quantity of at least 1Ki that is a whole number) that keeps the number whole.
 * A sum keeps the format of its left side, unless that side is zero (then it takes the right side's).
 *
 * <p>Example: {@code parse("1").plus(parse("500m"))} prints {@code 1500m}; {@code parse("1Gi").plus(parse("512Mi"))}
 * prints {@code 1536Mi}; {@code parse("1000")} prints {@code 1k}.
 */
public record Amount(BigDecimal value, Format format) implements Comparable<Amount> {

    /** How the quantity is written (apimachinery's {@code Format}). */
    public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

    public static final Amount ZERO = new Amount(BigDecimal.ZERO, Format.DECIMAL_SI);
    public static final Amount ONE = new Amount(BigDecimal.ONE, Format.DECIMAL_SI);
    /** apimachinery's {@code MaxMilliValue}: the largest value whose milli-value fits an int64. */
    public static final long MAX_MILLI_VALUE = Long.MAX_VALUE / 1000;

    private static final BigInteger KI = BigInteger.valueOf(1024);
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final Map<String, Integer> DECIMAL = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6,
            "G", 9, "T", 12, "P", 15, "E", 18);

    public Amount {
        value = QuantityValues.bounded(value, RoundingMode.CEILING); // never the digits of a made-up 1e60000000
    }

    public static Amount of(long value) {
        return new Amount(BigDecimal.valueOf(value), Format.DECIMAL_SI);
    }

    /** The amount of a fabric8 quantity; null for a missing or unreadable one. */
    public static Amount of(Quantity q) {
        return q == null ? null : parse(q.toString());
    }

    /** Parses a quantity's text ({@code 100m}, {@code 1Gi}, {@code 2e3}); null when it is not one. */
    public static Amount parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        BigDecimal number;
        try {
            number = new BigDecimal(s.substring(0, i));
        } catch (NumberFormatException e) {
            return null;
        }
        String suffix = s.substring(i);
        Integer decimal = DECIMAL.get(suffix);
        if (decimal != null) {
            return new Amount(number.scaleByPowerOfTen(decimal), Format.DECIMAL_SI);
        }
        for (int p = 1; p < BINARY.length; p++) {
            if (BINARY[p].equals(suffix)) {
                return new Amount(number.multiply(new BigDecimal(KI.pow(p))), Format.BINARY_SI);
            }
        }
        if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                return new Amount(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))),
                        Format.DECIMAL_EXPONENT);
            } catch (NumberFormatException | ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    public int signum() {
        return value.signum();
    }

    public Amount plus(Amount other) {
        return new Amount(value.add(other.value), isZero() ? other.format : format);
    }

    public Amount minus(Amount other) {
        return new Amount(value.subtract(other.value), isZero() ? other.format : format);
    }

    /** The greater of the two (this one when equal). */
    public Amount max(Amount other) {
        return other.compareTo(this) > 0 ? other : this;
    }

    /** Rounded up to a whole number (kube counts storage in whole bytes). */
    public Amount roundedUp() {
        return new Amount(value.setScale(0, RoundingMode.CEILING), format);
    }

    /** Go's {@code Value()}: rounded up to an integer. */
    public long integerValue() {
        return QuantityValues.ceilToLong(value);
    }

    /** Go's {@code MilliValue()}: thousandths, rounded up. */
    public long milliValue() {
        return QuantityValues.ceilToLong(value.scaleByPowerOfTen(3));
    }

    public Quantity toQuantity() {
        return new Quantity(toString());
    }

    @Override
    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }

    /** Equal values, whatever their formats (apimachinery's {@code Cmp} == 0). */
    public boolean sameValue(Amount o) {
        return o != null && value.compareTo(o.value) == 0;
    }

    /** Go's canonical text ({@code Quantity.String}). */
    @Override
    public String toString() {
        if (isZero()) {
            return "0";
        }
        if (format == Format.BINARY_SI && value.abs().compareTo(BigDecimal.valueOf(1024)) >= 0
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
        int exponent = -stripped.scale();
        int down = Math.floorMod(exponent, 3);
        BigInteger mantissa = stripped.unscaledValue().multiply(BigInteger.TEN.pow(down));
        exponent -= down;
        if (format == Format.DECIMAL_EXPONENT) {
            return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
        }
        for (Map.Entry<String, Integer> e : DECIMAL.entrySet()) {
            if (e.getValue() == exponent) {
                return mantissa + e.getKey();
            }
        }
        return mantissa + "e" + exponent;
    }
}

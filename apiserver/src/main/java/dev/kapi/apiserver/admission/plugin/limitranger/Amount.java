package dev.kapi.apiserver.admission.plugin.limitranger;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A resource quantity as apimachinery's {@code resource.Quantity} holds it: its value (rounded up to nano
 * units, as parsing does) and its format (binary SI, decimal SI or decimal exponent, from the suffix it was
 * written with). {@link #toString} is Go's canonical form, which kube's messages show: {@code 100m},
 * {@code 1Gi}, {@code 1500m} for {@code 1.5}, {@code 2Gi} for {@code 2048Mi}, {@code 1e3} for {@code 1e3}.
 */
record Amount(BigDecimal value, Format format) implements Comparable<Amount> {

    enum Format { BINARY_SI, DECIMAL_SI, DECIMAL_EXPONENT }

    static final Amount ZERO = new Amount(BigDecimal.ZERO, Format.DECIMAL_SI);
    /** apimachinery's {@code MaxMilliValue}: the largest value whose milli-value fits an int64. */
    static final long MAX_MILLI_VALUE = Long.MAX_VALUE / 1000;

    private static final Map<Integer, String> DECIMAL_SUFFIXES = Map.of(-9, "n", -6, "u", -3, "m", 0, "", 3, "k",
            6, "M", 9, "G", 12, "T", 15, "P", 18, "E");
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);

    static Amount of(Quantity q) {
        String text = q.toString().trim();
        BigDecimal value = q.getNumericalAmount().setScale(9, RoundingMode.UP).stripTrailingZeros();
        return new Amount(value, formatOf(text));
    }

    private static Format formatOf(String text) {
        int i = text.length();
        while (i > 0 && !Character.isDigit(text.charAt(i - 1)) && text.charAt(i - 1) != '.') {
            i--;
        }
        String suffix = text.substring(i);
        if (suffix.endsWith("i")) {
            return Format.BINARY_SI;
        }
        return suffix.isEmpty() && (text.contains("e") || text.contains("E")) ? Format.DECIMAL_EXPONENT
                : Format.DECIMAL_SI;
    }

    Amount plus(Amount other) {
        return new Amount(value.add(other.value), value.signum() == 0 ? other.format : format);
    }

    /** Go's {@code Value()}: rounded up to an integer. */
    long integerValue() {
        return value.setScale(0, RoundingMode.CEILING).longValue();
    }

    /** Go's {@code MilliValue()}: thousandths, rounded up. */
    long milliValue() {
        return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
    }

    @Override
    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }

    /** Go's {@code Quantity.String()}. */
    @Override
    public String toString() {
        if (value.signum() == 0) {
            return "0";
        }
        Format f = format;
        if (f == Format.BINARY_SI) {
            boolean small = value.abs().compareTo(BigDecimal.valueOf(1024)) < 0;
            boolean integral = value.stripTrailingZeros().scale() <= 0;
            if (small || !integral) {
                f = Format.DECIMAL_SI;
            } else {
                return binary();
            }
        }
        BigDecimal stripped = value.stripTrailingZeros();
        BigInteger mantissa = stripped.unscaledValue();
        int exponent = -stripped.scale();
        int down = Math.floorMod(exponent, 3);
        mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
        exponent -= down;
        if (exponent == 0) {
            return mantissa.toString();
        }
        String suffix = f == Format.DECIMAL_SI ? DECIMAL_SUFFIXES.get(exponent) : null;
        return mantissa + (suffix != null ? suffix : "e" + exponent);
    }

    private String binary() {
        BigInteger n = value.toBigIntegerExact();
        int power = 0;
        while (power < BINARY_SUFFIXES.length - 1 && n.mod(KI).signum() == 0) {
            n = n.divide(KI);
            power++;
        }
        return n + BINARY_SUFFIXES[power];
    }
}

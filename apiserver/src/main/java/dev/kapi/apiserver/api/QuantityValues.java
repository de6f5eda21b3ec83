package dev.kapi.apiserver.api;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts of quantities (cpu, memory, quota) kept within bounds before any arithmetic, so that a made-up quantity
 * such as {@code 1e60000000} or {@code 1e-60000000}, which parses to a small number with an enormous scale,
 * never has its sixty million digits materialized by rounding, adding or converting it. As kube's
 * {@code ParseQuantity}, an amount is rounded to nano units (rounding up, a non-zero one is never below 1n); its
 * magnitude is capped at 10<sup>60</sup> (kube keeps it exact, but every kube user of such a value ends at int64).
 *
 * <p>Example: {@code bounded(new BigDecimal("1e60000000"), UP)} is 10<sup>60</sup>;
 * {@code ceilToLong(new BigDecimal("1e60000000"))} is {@link Long#MAX_VALUE}.
 */
public final class QuantityValues {

    /** Digits before the decimal point beyond which an amount is capped. */
    private static final int MAX_DIGITS = 60;
    private static final BigDecimal CAP = BigDecimal.ONE.scaleByPowerOfTen(MAX_DIGITS);
    private static final BigDecimal NANO = BigDecimal.ONE.scaleByPowerOfTen(-9);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private QuantityValues() {
    }

    /** {@code v} rounded to nano units with {@code rounding} (at least 1n when not zero) and capped in magnitude. */
    public static BigDecimal bounded(BigDecimal v, RoundingMode rounding) {
        int sign = v.signum();
        if (sign == 0) {
            return v;
        }
        long digits = (long) v.precision() - v.scale(); // digits before the point; <= 0 below 1
        if (digits > MAX_DIGITS) {
            return sign > 0 ? CAP : CAP.negate();
        }
        if (digits < -9) { // below 0.1n in magnitude: rounds to 0 or 1n without rescaling its digits
            boolean away = switch (rounding) {
                case UP -> true;
                case CEILING -> sign > 0;
                case FLOOR -> sign < 0;
                default -> false;
            };
            return away ? (sign > 0 ? NANO : NANO.negate()) : BigDecimal.ZERO;
        }
        return v.scale() > 9 ? v.setScale(9, rounding) : v;
    }

    /** {@code v} rounded up (towards positive infinity) to a whole number, saturating at the range of a long. */
    public static long ceilToLong(BigDecimal v) {
        return toLong(v, RoundingMode.CEILING);
    }

    /** {@code v} rounded with {@code rounding} to a whole number, saturating at the range of a long. */
    public static long toLong(BigDecimal v, RoundingMode rounding) {
        BigDecimal whole = bounded(v, rounding).setScale(0, rounding);
        if (whole.compareTo(LONG_MAX) > 0) {
            return Long.MAX_VALUE;
        }
        if (whole.compareTo(LONG_MIN) < 0) {
            return Long.MIN_VALUE;
        }
        return whole.longValueExact();
    }
}

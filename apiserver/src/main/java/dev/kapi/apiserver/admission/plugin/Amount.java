package dev.kapi.apiserver.admission.plugin;

import dev.kapi.apiserver.api.Quantities;
import dev.kapi.apiserver.api.Quantities.Format;
import dev.kapi.apiserver.api.QuantityValues;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A quantity of a resource as apimachinery's {@code resource.Quantity} holds one, for the plugins' arithmetic
 * and messages (ResourceQuota, LimitRanger): its value (rounded up to nanos, as parsing rounds it) and its
 * format, which {@link #toString} prints in Go's canonical form ({@link Quantities#format}: {@code 1500m},
 * {@code 2k}, {@code 1536Mi}, {@code 0}): the largest suffix (a power of 1000, or of 1024 for a binary quantity
 * of at least 1Ki that is a whole number) that keeps the number whole.
 * A sum keeps the format of its left side, unless that side is zero (then it takes the right side's).
 *
 * <p>Example: {@code parse("1").plus(parse("500m"))} prints {@code 1500m}; {@code parse("1Gi").plus(parse("512Mi"))}
 * prints {@code 1536Mi}; {@code parse("1000")} prints {@code 1k}.
 */
public record Amount(BigDecimal value, Format format) implements Comparable<Amount> {

    public static final Amount ZERO = new Amount(BigDecimal.ZERO, Format.DECIMAL_SI);
    public static final Amount ONE = new Amount(BigDecimal.ONE, Format.DECIMAL_SI);
    /** apimachinery's {@code MaxMilliValue}: the largest value whose milli-value fits an int64. */
    public static final long MAX_MILLI_VALUE = Long.MAX_VALUE / 1000;

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

    /** Parses a quantity's text ({@code 100m}, {@code 1Gi}, {@code 2e3}) as kube does; null when it is not one. */
    public static Amount parse(String text) {
        Quantities.Parsed parsed = text == null ? null : Quantities.parse(text.trim());
        return parsed == null ? null : new Amount(parsed.value(), parsed.format());
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
        return Quantities.format(value, format);
    }
}

package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quantity amounts are bounded before any arithmetic: a made-up {@code 1e60000000} (a small number with a huge
 * scale) once cost the scheduler minutes of CPU per pod when rounded to a whole number.
 */
@Timeout(10)
class QuantityValuesTest {

    private static final BigDecimal HUGE = new BigDecimal("1e600000000");
    private static final BigDecimal TINY = new BigDecimal("1e-600000000");

    @Test
    void hugeAmountsSaturateWithoutBuildingTheirDigits() {
        assertThat(QuantityValues.ceilToLong(HUGE)).isEqualTo(Long.MAX_VALUE);
        assertThat(QuantityValues.ceilToLong(HUGE.negate())).isEqualTo(Long.MIN_VALUE);
        assertThat(QuantityValues.ceilToLong(HUGE.scaleByPowerOfTen(3))).isEqualTo(Long.MAX_VALUE);
        assertThat(QuantityValues.bounded(HUGE, RoundingMode.UP)).isEqualByComparingTo("1e60");
        assertThat(QuantityValues.bounded(HUGE, RoundingMode.UP).add(BigDecimal.ONE)).isGreaterThan(BigDecimal.ONE);
    }

    @Test
    void tinyAmountsRoundToNanoUnitsAsKubes() {
        assertThat(QuantityValues.bounded(TINY, RoundingMode.UP)).isEqualByComparingTo("1e-9");
        assertThat(QuantityValues.bounded(TINY.negate(), RoundingMode.UP)).isEqualByComparingTo("-1e-9");
        assertThat(QuantityValues.bounded(TINY, RoundingMode.CEILING)).isEqualByComparingTo("1e-9");
        assertThat(QuantityValues.bounded(TINY.negate(), RoundingMode.CEILING)).isEqualByComparingTo("0");
        assertThat(QuantityValues.bounded(TINY, RoundingMode.DOWN)).isEqualByComparingTo("0");
        assertThat(QuantityValues.ceilToLong(TINY)).isEqualTo(1);
        assertThat(QuantityValues.bounded(new BigDecimal("0.0000000015"), RoundingMode.UP)).isEqualByComparingTo("2e-9");
    }

    @Test
    void ordinaryAmountsAreUnchanged() {
        assertThat(QuantityValues.bounded(new BigDecimal("0.25"), RoundingMode.UP)).isEqualByComparingTo("0.25");
        assertThat(QuantityValues.ceilToLong(new BigDecimal("250.1"))).isEqualTo(251);
        assertThat(QuantityValues.ceilToLong(new BigDecimal("-250.1"))).isEqualTo(-250);
        assertThat(QuantityValues.ceilToLong(new BigDecimal(Long.MAX_VALUE).add(BigDecimal.TEN)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(QuantityValues.bounded(BigDecimal.ZERO, RoundingMode.UP)).isEqualByComparingTo("0");
    }
}

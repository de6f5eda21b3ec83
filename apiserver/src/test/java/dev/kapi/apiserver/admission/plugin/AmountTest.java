package dev.kapi.apiserver.admission.plugin;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Quantities print as apimachinery's {@code Quantity.String} prints them, sums keep the left side's format. */
class AmountTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 0",
            "0m, 0",
            "10, 10",
            "1000, 1k",
            "1500, 1500",
            "2000000, 2M",
            "0.5, 500m",
            "1.5, 1500m",
            "100m, 100m",
            "1000m, 1",
            "1n, 1n",
            "0.0000000001, 1n",   // rounded up to nanos, as parsing rounds
            "1Gi, 1Gi",
            "1024Mi, 1Gi",
            "1.5Gi, 1536Mi",
            "1.5Ki, 1536",
            "512, 512",
            "0.5Ki, 512",
            "1e3, 1e3",
            "12e2, 1200",
            "2E6, 2e6",
            "-1, -1",
            "100E, 100E",
    })
    void printsCanonically(String in, String out) {
        assertThat(Amount.parse(in)).hasToString(out);
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
            "1, 500m, 1500m",
            "100m, 200m, 300m",
            "1Gi, 512Mi, 1536Mi",
            "0, 1Gi, 1Gi",         // a zero left side takes the right side's format
            "1, 1Gi, 1073741825",
            "1Gi, 1, 1073741825",
            "9, 1, 10",
            "999, 1, 1k",
    })
    void adds(String a, String b, String sum) {
        assertThat(Amount.parse(a).plus(Amount.parse(b))).hasToString(sum);
    }

    @Test
    void readsFabric8QuantitiesAndRefusesNonsense() {
        assertThat(Amount.of(new Quantity("250m"))).hasToString("250m");
        assertThat(Amount.of(new Quantity("2", "Gi")).value().longValueExact()).isEqualTo(2L << 30);
        assertThat(Amount.of((Quantity) null)).isNull();
        assertThat(Amount.parse("ten")).isNull();
        assertThat(Amount.parse("1Q")).isNull();
        assertThat(Amount.parse("1.5").sameValue(Amount.parse("1500m"))).isTrue();
        assertThat(Amount.parse("1Ki").compareTo(Amount.parse("1k"))).isPositive();
        assertThat(Amount.parse("1.2").roundedUp()).hasToString("2");
    }

    /** A made-up exponent never has its digits built (the scheduler and quota once spent minutes on one). */
    @Test
    @org.junit.jupiter.api.Timeout(10)
    void madeUpExponentsSaturate() {
        Amount huge = Amount.parse("1e600000000");
        assertThat(huge.milliValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(huge.integerValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(huge.plus(Amount.of(1)).compareTo(Amount.of(Long.MAX_VALUE))).isPositive();
        Amount tiny = Amount.parse("1e-600000000");
        assertThat(tiny.milliValue()).isEqualTo(1);
        assertThat(tiny.roundedUp().integerValue()).isEqualTo(1);
    }
}

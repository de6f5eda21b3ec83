package dev.kapi.apiserver.admission.plugin;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Quantities print in Go's canonical form and compare in rounded-up thousandths, as kube's messages show them. */
class AmountValuesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "100m, 100m", "0.1, 100m", "1, 1", "1000m, 1", "1500m, 1500m", "1.5, 1500m", "2, 2", "0, 0", "0m, 0",
            "1k, 1k", "1.5k, 1500", "1000k, 1M", "1M, 1M", "2G, 2G", "1E, 1E",
            "1Gi, 1Gi", "1024Mi, 1Gi", "1536Mi, 1536Mi", "0.5Gi, 512Mi", "512, 512", "100Ki, 100Ki", "1023Ki, 1023Ki",
            "500, 500", "0.5Ki, 512", "1.5Ki, 1536", "1e3, 1e3", "1.5e3, 1500", "2E6, 2e6", "12e-3, 12e-3",
            "1n, 1n", "0.0000000001, 1n", "1u, 1u", "128974848, 128974848", "129e6, 129e6", "123Mi, 123Mi",
    })
    void printsTheCanonicalForm(String text, String canonical) {
        assertThat(Amount.of(new Quantity(text)).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}: milli {1}, value {2}")
    @CsvSource({"100m, 100, 1", "0.5m, 1, 1", "1, 1000, 1", "1Ki, 1024000, 1024", "1.5, 1500, 2"})
    void valuesRoundUp(String text, long milli, long value) {
        Amount a = Amount.of(new Quantity(text));
        assertThat(a.milliValue()).isEqualTo(milli);
        assertThat(a.integerValue()).isEqualTo(value);
    }
}

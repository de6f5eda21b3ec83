package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A quantity comes back as kube answers it once decoded: the tables of apimachinery's
 * {@code pkg/api/resource/quantity_test.go} ({@code TestQuantityString}: each canonical text is kept and its
 * alternate spelling becomes it; {@code TestQuantityParseEmit}; values of {@code TestQuantityParse}), and the
 * texts {@code ParseQuantity} keeps as sent because its fast path judges them canonical.
 */
@Timeout(10)
class QuantitiesTest {

    /** {@code TestQuantityString}: canonical, alternate ("" for none). */
    @ParameterizedTest(name = "{1} -> {0}")
    @CsvSource({
            "1Gi, 1024Mi", "300Mi, 307200Ki", "6Ki, ''", "1001Gi, 1025024Mi", "1Ti, 1024Gi", "5, 5000m",
            "500m, 0.5", "1G, 1000M", "1G, 0.001T", "1m, 1000u", "80m, ''", "1080m, 1.08", "1080m, 1080000000n",
            "300M, ''", "1T, ''", "1E, ''", "1e21, 1000E", "5e21, 5000E", "1e24, 1000000E", "1234567M, ''",
            "1234567m, ''", "3k, ''", "1025, ''", "0, ''", "1e9, .001e12", "1e-3, 0.001e0", "1e-9, 1000e-12",
            "80e-3, ''", "300e6, ''", "1e12, ''", "1e3, ''", "3e3, ''", "0, 00", "1n, ''", "80n, ''", "1080n, ''",
            "1u, ''", "80u, ''", "1080u, ''",
    })
    void canonicalTextIsKeptAndAlternatesBecomeIt(String canonical, String alternate) {
        assertThat(Quantities.canonical(canonical)).isEqualTo(canonical);
        if (!alternate.isEmpty()) {
            assertThat(Quantities.canonical(alternate)).isEqualTo(canonical);
        }
        if (!canonical.equals("0")) {
            assertThat(Quantities.canonical("-" + canonical)).isEqualTo("-" + canonical);
            if (!alternate.isEmpty()) {
                assertThat(Quantities.canonical("-" + alternate)).isEqualTo("-" + canonical);
            }
        }
    }

    /** {@code TestQuantityParseEmit}, and the same negated. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "1Ki, 1Ki", "1Mi, 1Mi", "1Gi, 1Gi", "1024Mi, 1Gi", "1000M, 1G", ".001Ki, 1024m", ".000001Ki, 1024u",
            ".000000001Ki, 1024n", ".000000000001Ki, 2n",
    })
    void parseThenEmit(String in, String out) {
        assertThat(Quantities.canonical(in)).isEqualTo(out);
        assertThat(Quantities.canonical("-" + in)).isEqualTo("-" + out);
    }

    /** What a client sends in pods and quotas, and what kube answers (some kept as sent by its fast path). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // decoded and re-encoded canonically
            "0.5, 500m", "1000m, 1", "2048Mi, 2Gi", "1.5Gi, 1536Mi", "0.1Ki, 102400m", "1.5, 1500m",
            "1000, 1k", "1024Ki, 1Mi", "0.5Ki, 512", "1.5Ki, 1536", "1.5k, 1500", "100.035Ki, 102435840m",
            "12e2, 1200", "1.2e3, 1200", "1.3E+6, 1300e3", "0.5e-1, 50e-3", "1e-10, 1e-9", "0.0000000001, 1n",
            "3.001n, 4n", "0.9n, 1n", "0.00000012345, 124n", "1.1E-9, 2e-9", "8Ki, 8Ki", "1.0, 1", "10.0, 10",
            "0.0, 0", "-0, 0", "+0, 0", "0Ki, 0", "0m, 0", ".5, 500m", "., 0",
            // a binary quantity is capped at 2^63-1 (9Ei, 9223372036854775807Ki of TestQuantityParse)
            "9Ei, 9223372036854775807", "9223372036854775807Ki, 9223372036854775807",
            // kept as sent: ParseQuantity's fast path found them canonical (or canonical enough)
            "100m, 100m", "1e3, 1e3", "2E6, 2E6", "1E3, 1E3", "1e-9, 1e-9", "12E, 12E", "10, 10", "+1, +1",
            "01, 01", "1., 1.", "1.G, 1.G", "100.035k, 100.035k", "1Ki, 1Ki", "+1Ki, +1Ki", "1001Ki, 1001Ki", "1e60000000, 1e60000000",
            // the slow path: more digits than an int64 holds, or sub-nano values
            "12345678901234567890, 12345678901234567890", "1234567890123456789000, 1234567890123456789k",
            "1e-60000000, 1e-9", "-1e-60000000, -1e-9", "1000e60000000, 1e60000003",
    })
    void whatKubeAnswers(String in, String out) {
        assertThat(Quantities.canonical(in)).isEqualTo(out);
    }

    /** {@code TestQuantityParse}'s invalid table: not quantities, left as they are (the decoder reports them). */
    @ParameterizedTest
    @CsvSource({"1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", "' 1'", "'1 '",
            "1e", "1Ki2"})
    void notQuantities(String text) {
        assertThat(Quantities.parse(text)).isNull();
        assertThat(Quantities.canonical(text)).isSameAs(text);
    }

    /** Beyond 100 digits a quantity is left as sent, at once (BigDecimal would take a minute for a million). */
    @Test
    void absurdlyLongQuantitiesAreLeftAsSentWithoutParsingTheirDigits() {
        String million = "1".repeat(1_000_000) + ".5";
        assertThat(Quantities.canonical(million)).isSameAs(million);
        assertThat(Quantities.parse(million + "Ki")).isNull();
        String hundred = "1".repeat(100);
        assertThat(Quantities.canonical(hundred + "000")).isEqualTo(hundred + "000");
        assertThat(Quantities.canonical(hundred.substring(3) + "000")).isEqualTo(hundred.substring(3) + "k");
    }

    @Test
    void parsedValuesAndFormats() {
        assertThat(Quantities.parse("0.000000000001Ki")).isEqualTo(
                new Quantities.Parsed(new BigDecimal("2e-9"), Quantities.Format.DECIMAL_SI));
        assertThat(Quantities.parse("0.5Mi").value()).isEqualByComparingTo("524288");
        assertThat(Quantities.parse("0.5Mi").format()).isEqualTo(Quantities.Format.BINARY_SI);
        assertThat(Quantities.parse("1.7E18").value()).isEqualByComparingTo("17e17");
        assertThat(Quantities.parse("1.7E18").format()).isEqualTo(Quantities.Format.DECIMAL_EXPONENT);
        assertThat(Quantities.parse("-9.01").value()).isEqualByComparingTo("-9.01");
        assertThat(Quantities.parse("0").value()).isEqualByComparingTo("0");
    }

    @Test
    void formatPrintsAsCanonicalizeBytes() {
        assertThat(Quantities.format(new BigDecimal("1080e-3"), Quantities.Format.DECIMAL_SI)).isEqualTo("1080m");
        assertThat(Quantities.format(new BigDecimal("1024"), Quantities.Format.BINARY_SI)).isEqualTo("1Ki");
        assertThat(Quantities.format(new BigDecimal("-1024"), Quantities.Format.BINARY_SI)).isEqualTo("-1Ki");
        assertThat(Quantities.format(new BigDecimal("1023"), Quantities.Format.BINARY_SI)).isEqualTo("1023");
        assertThat(Quantities.format(new BigDecimal("1e6"), Quantities.Format.DECIMAL_EXPONENT)).isEqualTo("1e6");
        assertThat(Quantities.format(new BigDecimal("0.5"), Quantities.Format.BINARY_SI)).isEqualTo("500m");
    }
}

package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's {@code time.ParseDuration}, values and messages as Go gives them. */
class GoDurationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, PT0S", "+0, PT0S", "-0, PT0S", "5s, PT5S", "300ms, PT0.3S", "1.5h, PT1H30M", "2h45m, PT2H45M",
            "-1.5h, PT-1H-30M", "1m0s, PT1M", ".5s, PT0.5S", "5.s, PT5S", "1h1m1s1ms1us1ns, PT1H1M1.001001001S",
            "3µs, PT0.000003S", "3μs, PT0.000003S", "10ns, PT0.00000001S", "0.000000001s, PT0.000000001S"})
    void durations(String value, Duration expected) {
        assertThat(GoDuration.parse(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "''|time: invalid duration \"\"",
            "-|time: invalid duration \"-\"",
            "s|time: invalid duration \"s\"",
            ".s|time: invalid duration \".s\"",
            "10|time: missing unit in duration \"10\"",
            "1h5|time: missing unit in duration \"1h5\"",
            "10x|time: unknown unit \"x\" in duration \"10x\"",
            "1 s|time: unknown unit \" s\" in duration \"1 s\"",
            "3000000h|time: invalid duration \"3000000h\""})
    void badDurationsGetGosMessage(String value, String message) {
        assertThatThrownBy(() -> GoDuration.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}

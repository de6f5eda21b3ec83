package dev.kapi.apiserver.endpoints.protobuf;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class GoFormatsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0s",
            "1|1ns",
            "999|999ns",
            "1000|1µs",
            "1500|1.5µs",
            "20000000|20ms",
            "1234567|1.234567ms",
            "1000000000|1s",
            "1500000000|1.5s",
            "30000000000|30s",
            "90000000000|1m30s",
            "3600000000000|1h0m0s",
            "3723000000000|1h2m3s",
            "3723004000000|1h2m3.004s",
            "-30000000000|-30s",
            "-1500|-1.5µs",
            "-9223372036854775808|-2562047h47m16.854775808s"})
    void durationsAsGoPrintsThem(long nanos, String expected) {
        assertThat(dev.kapi.apiserver.api.GoDuration.format(nanos)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1704164645|0|2024-01-02T03:04:05Z|2024-01-02T03:04:05.000000Z",
            "1704164645|999999999|2024-01-02T03:04:05Z|2024-01-02T03:04:05.999999Z",
            "1|1000|1970-01-01T00:00:01Z|1970-01-01T00:00:01.000001Z"})
    void timesAsRfc3339(long seconds, int nanos, String time, String microTime) {
        assertThat(GoFormats.time(seconds, nanos)).isEqualTo(time);
        assertThat(GoFormats.microTime(seconds, nanos)).isEqualTo(microTime);
    }
}

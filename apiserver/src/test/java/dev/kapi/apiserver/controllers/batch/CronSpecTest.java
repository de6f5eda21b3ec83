package dev.kapi.apiserver.controllers.batch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedule times as robfig/cron computes them for kube's CronJob controller. */
class CronSpecTest {

    @ParameterizedTest(name = "{0} in {1} after {2}: {3}")
    @CsvSource(nullValues = "null", delimiter = '|', value = {
            "* * * * *              | UTC           | 2026-01-01T00:00:30Z   | 2026-01-01T00:01:00Z",
            "* * * * *              | UTC           | 2026-01-01T00:01:00Z   | 2026-01-01T00:02:00Z",
            "*/15 9-17 * * mon-fri  | UTC           | 2026-01-05T09:07:00Z   | 2026-01-05T09:15:00Z",
            "*/15 9-17 * * mon-fri  | UTC           | 2026-01-09T17:45:00Z   | 2026-01-12T09:00:00Z",
            "@yearly                | UTC           | 2026-03-01T00:00:00Z   | 2027-01-01T00:00:00Z",
            "@hourly                | UTC           | 2026-03-01T10:59:59Z   | 2026-03-01T11:00:00Z",
            "@weekly                | UTC           | 2026-01-01T00:00:00Z   | 2026-01-04T00:00:00Z",
            "0 0 13 * *             | UTC           | 2026-01-01T00:00:00Z   | 2026-01-13T00:00:00Z",
            "0 0 13 * 5             | UTC           | 2026-01-01T00:00:00Z   | 2026-01-02T00:00:00Z",
            "0 0 ? jan,jul sun      | UTC           | 2026-02-01T00:00:00Z   | 2026-07-05T00:00:00Z",
            "0 12 29 2 *            | UTC           | 2026-03-01T00:00:00Z   | 2028-02-29T12:00:00Z",
            "5-10/5 0 1 1 *         | UTC           | 2026-01-01T00:05:00Z   | 2026-01-01T00:10:00Z",
            "0 9 * * *              | Europe/Berlin | 2026-01-01T00:00:00Z   | 2026-01-01T08:00:00Z",
            "0 9 * * *              | Asia/Tokyo    | 2026-01-01T00:00:00Z   | 2026-01-02T00:00:00Z",
            "@every 90s             | UTC           | 2026-01-01T00:00:30.5Z | 2026-01-01T00:02:00Z",
            "@every 1h30m           | UTC           | 2026-01-01T00:00:00Z   | 2026-01-01T01:30:00Z",
            "0 0 31 4 *             | UTC           | 2026-01-01T00:00:00Z   | null",
    })
    void nextTime(String schedule, String zone, String after, String expected) {
        Instant next = CronSpec.parse(schedule, ZoneId.of(zone)).next(Instant.parse(after));
        assertThat(next).isEqualTo(expected == null ? null : Instant.parse(expected));
    }
}

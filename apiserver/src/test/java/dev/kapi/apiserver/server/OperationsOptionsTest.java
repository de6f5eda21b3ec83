package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operating flags' Go durations: kube's defaults, 0 for off, and a bad value named in one line. */
class OperationsOptionsTest {

    @ParameterizedTest(name = "--etcd-compaction-interval={0}: {1}")
    @CsvSource({"5m, PT5M", "1h30m, PT1H30M", "90s, PT1M30S", "0, PT0S", "0s, PT0S", "'', PT0S"})
    void compactionIntervals(String value, Duration expected) {
        assertThat(new OperationsOptions(400, 200, "1m", value, "30s", "1m").etcdCompactionInterval()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "--etcd-db-metric-poll-interval={0}: {1}")
    @CsvSource({"30s, PT30S", "1m, PT1M", "0, PT0S"})
    void databaseSizePollIntervals(String value, Duration expected) {
        assertThat(new OperationsOptions(400, 200, "1m", "5m", value, "1m").dbMetricPollInterval()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "--request-timeout={0}: {1}")
    @CsvSource({"1m, PT1M", "1m0s, PT1M", "30s, PT30S", "0, PT0S"})
    void requestTimeouts(String value, Duration expected) {
        assertThat(new OperationsOptions(400, 200, "1m", "5m", "30s", value).requestTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"etcd-compaction-interval, 5x", "etcd-count-metric-poll-period, soon",
            "etcd-db-metric-poll-interval, fast", "request-timeout, 60"})
    void aBadDurationStopsTheStartNamingItsFlag(String flag, String value) {
        assertThatThrownBy(() -> new OperationsOptions(400, 200,
                flag.equals("etcd-count-metric-poll-period") ? value : "1m",
                flag.equals("etcd-compaction-interval") ? value : "5m",
                flag.equals("etcd-db-metric-poll-interval") ? value : "30s",
                flag.equals("request-timeout") ? value : "1m"))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("--" + flag + ": ")
                .hasMessageContaining(value);
    }
}

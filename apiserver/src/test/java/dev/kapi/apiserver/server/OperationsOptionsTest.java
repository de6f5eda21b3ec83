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
        assertThat(new OperationsOptions(400, 200, "1m", value).etcdCompactionInterval()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"etcd-compaction-interval, 5x", "etcd-count-metric-poll-period, soon"})
    void aBadDurationStopsTheStartNamingItsFlag(String flag, String value) {
        boolean compaction = flag.equals("etcd-compaction-interval");
        assertThatThrownBy(() -> new OperationsOptions(400, 200, compaction ? "1m" : value, compaction ? value : "5m"))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("--" + flag + ": ")
                .hasMessageContaining(value);
    }
}

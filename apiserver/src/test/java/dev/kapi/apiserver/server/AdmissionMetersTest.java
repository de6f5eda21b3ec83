package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each bound plugin observer records into the series of its own name, type, operation and rejection. */
class AdmissionMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AdmissionMeters meters = new AdmissionMeters(registry,
            new Duration[] {Duration.ofMillis(5), Duration.ofMillis(25)});

    @Test
    void boundObserversRecordIntoTheirOwnSeries() {
        AdmissionObserver.Bound quota = meters.bind("ResourceQuota", "validate");
        AdmissionObserver.Bound step = meters.bind(null, "admit");
        quota.observe("CREATE", false, 1_000_000);
        quota.observe("CREATE", false, 3_000_000);
        quota.observe("CREATE", true, 2_000_000);
        quota.observe("DELETE", false, 1_000_000);
        quota.observe("PATCH", false, 1_000_000); // not a kube operation: recorded under its own name all the same
        step.observe("UPDATE", true, 7_000_000);

        assertThat(count("ResourceQuota", "CREATE", "false", "validate")).isEqualTo(2);
        assertThat(registry.get("apiserver.admission.controller.admission.duration").tags("name", "ResourceQuota",
                "operation", "CREATE", "rejected", "false", "type", "validate").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(4.0);
        assertThat(count("ResourceQuota", "CREATE", "true", "validate")).isEqualTo(1);
        assertThat(count("ResourceQuota", "DELETE", "false", "validate")).isEqualTo(1);
        assertThat(count("ResourceQuota", "PATCH", "false", "validate")).isEqualTo(1);
        assertThat(registry.get("apiserver.admission.step.admission.duration").tags("operation", "UPDATE",
                "rejected", "true", "type", "admit").timer().count()).isEqualTo(1);
        assertThat(registry.find("apiserver.admission.step.admission.duration").timers()).hasSize(1);
    }

    @Test
    void observersBoundTwiceShareTheirMeters() {
        meters.bind("LimitRanger", "admit").observe("CREATE", false, 1);
        meters.bind("LimitRanger", "admit").observe("CREATE", false, 1);
        meters.observe("LimitRanger", "admit", "CREATE", false, Duration.ofNanos(1));

        assertThat(count("LimitRanger", "CREATE", "false", "admit")).isEqualTo(3);
    }

    private long count(String name, String operation, String rejected, String type) {
        return registry.get("apiserver.admission.controller.admission.duration").tags("name", name,
                "operation", operation, "rejected", rejected, "type", type).timer().count();
    }
}

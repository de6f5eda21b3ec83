package dev.kapi.apiserver.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A long-running request's series stays once a request of it was served; one only 404s used goes at 0. */
class LongRunningGaugesTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LongRunningGauges gauges = new LongRunningGauges(meters);

    @Test
    void aSeriesOnlyNotFoundRequestsUsedIsRemoved() {
        Tags madeUp = Tags.of("resource", "madeupthings");
        gauges.started(madeUp);
        gauges.started(madeUp);
        assertThat(value(madeUp)).isEqualTo(2);
        gauges.ended(madeUp, 404);
        assertThat(value(madeUp)).isEqualTo(1);
        gauges.ended(madeUp, 404);
        assertThat(meters.find("apiserver.longrunning.requests").tags(madeUp).gauge()).isNull();
    }

    @Test
    void aSeriesAServedRequestUsedStaysAtZero() {
        Tags served = Tags.of("resource", "configmaps");
        gauges.started(served);
        gauges.started(served);
        gauges.ended(served, 200);
        gauges.ended(served, 404); // e.g. a watch of a namespace deleted meanwhile
        assertThat(value(served)).isZero();
        gauges.started(served);
        assertThat(value(served)).isEqualTo(1);
    }

    private double value(Tags tags) {
        Gauge gauge = meters.find("apiserver.longrunning.requests").tags(tags).gauge();
        assertThat(gauge).isNotNull();
        return gauge.value();
    }
}

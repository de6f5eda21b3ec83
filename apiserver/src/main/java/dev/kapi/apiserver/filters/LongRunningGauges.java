package dev.kapi.apiserver.filters;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code apiserver_longrunning_requests}: one gauge per label set of the long-running requests running now. A label
 * set is known when the request starts, its answer only when it ends, so a watch of a path nobody serves (answered
 * 404 at once) would add a series with the made-up names for good; a label set whose requests all ended 404 is
 * therefore removed again when the last of them ends (those of the request metrics are left empty on a 404 instead).
 *
 * <p>Example: {@code GET /api/v1/watch/namespaces/a/madeupthings} starts the series {@code resource="madeupthings"}
 * at 1, ends 404, and the series is gone; a watch of configmaps that ends 200 keeps its series at 0.
 */
final class LongRunningGauges {

    private final MeterRegistry meters;
    private final Map<Tags, Series> series = new ConcurrentHashMap<>();

    LongRunningGauges(MeterRegistry meters) {
        this.meters = meters;
    }

    /** One request of {@code tags} started: its gauge goes up (made and registered on first use). */
    Tags started(Tags tags) {
        series.compute(tags, (t, current) -> {
            Series s = current != null ? current : new Series(register(t));
            s.running++;
            return s;
        });
        return tags;
    }

    /** That request ended with {@code code}: its gauge goes down; a series only 404s used is removed at 0. */
    void ended(Tags tags, int code) {
        series.computeIfPresent(tags, (t, s) -> {
            s.running--;
            s.served |= code != 404;
            if (s.running == 0 && !s.served) {
                meters.remove(s.gauge);
                return null;
            }
            return s;
        });
    }

    private Gauge register(Tags tags) {
        return Gauge.builder("apiserver.longrunning.requests", () -> running(tags))
                .description("Gauge of all active long-running apiserver requests broken out by verb, group, "
                        + "version, resource, scope and component. Not all requests are tracked this way.")
                .tags(tags).register(meters);
    }

    private int running(Tags tags) {
        Series s = series.get(tags);
        return s == null ? 0 : s.running;
    }

    /** A label set's gauge and its count, changed only inside the map's compute for its key. */
    private static final class Series {
        final Gauge gauge;
        volatile int running;
        boolean served;

        Series(Gauge gauge) {
            this.gauge = gauge;
        }
    }
}

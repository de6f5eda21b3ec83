package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * kube's per-webhook admission meters on the server's registry, with kube's names, labels, buckets and help:
 * {@code apiserver_admission_webhook_admission_duration_seconds{name,operation,rejected,type}},
 * {@code apiserver_admission_webhook_request_total{code,name,operation,rejected,type}},
 * {@code apiserver_admission_webhook_rejection_count{error_type,name,operation,rejection_code,type}} and
 * {@code apiserver_admission_webhook_fail_open_count{name,type}}.
 */
final class WebhookMeters implements WebhookMetrics {

    /** kube's webhook latency buckets. */
    private static final double[] BUCKETS = {0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25};

    private final TaggedMeters<Timer> durations;
    private final TaggedMeters<Counter> requests;
    private final TaggedMeters<DoubleAdder> rejections;
    private final TaggedMeters<DoubleAdder> failOpens;

    WebhookMeters(MeterRegistry meters) {
        Duration[] buckets = MetricsConfig.slos(BUCKETS);
        durations = new TaggedMeters<>(t -> Timer.builder("apiserver.admission.webhook.admission.duration")
                .description("Admission webhook latency histogram in seconds, identified by name and broken out "
                        + "for each operation and API resource and type (validate or admit).")
                .tags("name", t.get(0), "operation", t.get(1), "rejected", t.get(2), "type", t.get(3))
                .serviceLevelObjectives(buckets).register(meters));
        requests = new TaggedMeters<>(t -> Counter.builder("apiserver.admission.webhook.request")
                .description("Admission webhook request total, identified by name and broken out for each admission "
                        + "type (validating or mutating) and operation. Additional labels specify whether the request "
                        + "was rejected or not and an HTTP status code. Codes greater than 600 are truncated to 600, "
                        + "to keep the metrics cardinality bounded.")
                .tags("name", t.get(0), "operation", t.get(1), "rejected", t.get(2), "type", t.get(3),
                        "code", t.get(4)).register(meters));
        rejections = new TaggedMeters<>(t -> counted(meters, "apiserver.admission.webhook.rejection.count",
                "Admission webhook rejection count, identified by name and broken out for each "
                        + "admission type (validating or admit) and operation. Additional labels specify an error "
                        + "type (calling_webhook_error or apiserver_internal_error if an error occurred; no_error "
                        + "otherwise) and optionally a non-zero rejection code if the webhook rejects the request with "
                        + "an HTTP status code (honored by the apiserver when the code is greater or equal to 400). "
                        + "Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.",
                "name", t.get(0), "type", t.get(1), "operation", t.get(2), "error_type", t.get(3),
                "rejection_code", t.get(4)));
        failOpens = new TaggedMeters<>(t -> counted(meters, "apiserver.admission.webhook.fail.open.count",
                "Admission webhook fail open count, identified by name and broken out for each admission type "
                        + "(validating or mutating).", "name", t.get(0), "type", t.get(1)));
    }

    @Override
    public void called(String webhook, String type, String operation, boolean rejected, int code, Duration took) {
        String refused = Boolean.toString(rejected);
        durations.get(webhook, operation, refused, type).record(took);
        requests.get(webhook, operation, refused, type, Integer.toString(code)).increment();
    }

    @Override
    public void rejected(String webhook, String type, String operation, String errorType, int code) {
        rejections.get(webhook, type, operation, errorType, Integer.toString(code)).add(1);
    }

    @Override
    public void failedOpen(String webhook, String type) {
        failOpens.get(webhook, type).add(1);
    }

    /**
     * A count kube names without {@code _total} ({@code ..._rejection_count}): a Micrometer counter would be written
     * {@code ..._rejection_count_total}, so it is a gauge over a sum that only grows (PromQL's {@code rate} and
     * {@code increase} read it alike).
     */
    private static DoubleAdder counted(MeterRegistry meters, String name, String help, String... tags) {
        DoubleAdder sum = new DoubleAdder();
        Gauge.builder(name, sum, DoubleAdder::sum).description(help).tags(tags).strongReference(true).register(meters);
        return sum;
    }
}

package dev.kapi.apiserver.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's per-webhook metric names and labels as /metrics writes them. */
class WebhookMetersTest {

    @Test
    void namesAndLabelsAreKubes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebhookMeters meters = new WebhookMeters(registry);
        meters.called("deny.example.com", "validating", "CREATE", true, 403, Duration.ofMillis(30));
        meters.rejected("deny.example.com", "validating", "CREATE", "no_error", 403);
        meters.called("down.example.com", "admit", "UPDATE", false, 0, Duration.ofMillis(2));
        meters.failedOpen("down.example.com", "admit");
        String text = registry.scrape();
        assertThat(text).contains(
                "apiserver_admission_webhook_admission_duration_seconds_bucket{name=\"deny.example.com\",operation=\"CREATE\",rejected=\"true\",type=\"validating\",le=\"0.1\"} 1",
                "apiserver_admission_webhook_request_total{code=\"403\",name=\"deny.example.com\",operation=\"CREATE\",rejected=\"true\",type=\"validating\"} 1.0",
                "apiserver_admission_webhook_request_total{code=\"0\",name=\"down.example.com\",operation=\"UPDATE\",rejected=\"false\",type=\"admit\"} 1.0",
                "apiserver_admission_webhook_rejection_count{error_type=\"no_error\",name=\"deny.example.com\",operation=\"CREATE\",rejection_code=\"403\",type=\"validating\"} 1.0",
                "apiserver_admission_webhook_fail_open_count{name=\"down.example.com\",type=\"admit\"} 1.0");
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authz.AuthorizationMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * kube's authorization meters on the server's registry, with kube's names, labels, buckets and help:
 * {@code apiserver_authorization_decisions_total{type,name,decision}},
 * {@code apiserver_authorization_webhook_evaluations_total{name,result}},
 * {@code apiserver_authorization_webhook_duration_seconds{name,result}},
 * {@code apiserver_authorization_webhook_evaluations_fail_open_total{name,result}}, the
 * {@code apiserver_authorization_match_condition_*{type,name}} three, and the
 * {@code apiserver_authorization_config_controller_automatic_reload*{status,apiserver_id_hash}} two, whose hash is
 * kube's ({@code sha256:} and the hex SHA-256 of the server's identity, its identity lease's name).
 */
final class AuthorizationMeters implements AuthorizationMetrics {

    /** Prometheus's default buckets (kube's {@code DefBuckets}). */
    private static final double[] WEBHOOK_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] CONDITION_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.1, 0.2, 0.25};

    private final TaggedMeters<Counter> decisions;
    private final TaggedMeters<Counter> evaluations;
    private final TaggedMeters<Timer> durations;
    private final TaggedMeters<Counter> failOpens;
    private final TaggedMeters<Timer> conditionTimes;
    private final TaggedMeters<Counter> exclusions;
    private final TaggedMeters<Counter> conditionErrors;
    private final ConfigReloadMeters reloads;

    AuthorizationMeters(MeterRegistry meters) {
        this(meters, () -> "");
    }

    /** @param serverId the server's identity (kube's APIServerID), asked when a reload is counted */
    AuthorizationMeters(MeterRegistry meters, Supplier<String> serverId) {
        reloads = new ConfigReloadMeters(meters, "authorization", serverId);
        decisions = counters(meters, "apiserver.authorization.decisions", "Total number of terminal decisions made by "
                + "an authorizer split by authorizer type, name, and decision.", "type", "name", "decision");
        evaluations = counters(meters, "apiserver.authorization.webhook.evaluations",
                "Round-trips to authorization webhooks.", "name", "result");
        failOpens = counters(meters, "apiserver.authorization.webhook.evaluations.fail.open",
                "NoOpinion results due to webhook timeout or error.", "name", "result");
        durations = timers(meters, "apiserver.authorization.webhook.duration", "Request latency in seconds.",
                WEBHOOK_BUCKETS, "name", "result");
        conditionTimes = timers(meters, "apiserver.authorization.match.condition.evaluation",
                "Authorization match condition evaluation time in seconds, split by authorizer type and name.",
                CONDITION_BUCKETS, "type", "name");
        exclusions = counters(meters, "apiserver.authorization.match.condition.exclusions", "Total number of "
                + "exclusions when an authorization webhook is skipped because match conditions exclude it.",
                "type", "name");
        conditionErrors = counters(meters, "apiserver.authorization.match.condition.evaluation.errors", "Total number "
                + "of errors when an authorization webhook encounters a match condition error split by authorizer "
                + "type and name.", "type", "name");
    }

    @Override
    public void decided(String type, String name, boolean allowed) {
        decisions.get(type, name, allowed ? "allowed" : "denied").increment();
    }

    @Override
    public void webhookEvaluated(String name, String result, Duration took) {
        evaluations.get(name, result).increment();
        durations.get(name, result).record(took);
    }

    @Override
    public void webhookFailedOpen(String name, String result) {
        failOpens.get(name, result).increment();
    }

    @Override
    public void matchConditionsEvaluated(String type, String name, Duration took, boolean excluded, boolean failed) {
        conditionTimes.get(type, name).record(took);
        if (excluded) {
            exclusions.get(type, name).increment();
        }
        if (failed) {
            conditionErrors.get(type, name).increment();
        }
    }

    @Override
    public void configReloaded(boolean succeeded) {
        reloads.reloaded(succeeded);
    }

    private static TaggedMeters<Counter> counters(MeterRegistry meters, String name, String help, String... tags) {
        return new TaggedMeters<>(values -> Counter.builder(name).description(help).tags(tags(tags, values))
                .register(meters));
    }

    private static TaggedMeters<Timer> timers(MeterRegistry meters, String name, String help, double[] buckets,
                                              String... tags) {
        Duration[] slos = MetricsConfig.slos(buckets);
        return new TaggedMeters<>(values -> Timer.builder(name).description(help).tags(tags(tags, values))
                .serviceLevelObjectives(slos).register(meters));
    }

    private static String[] tags(String[] keys, java.util.List<String> values) {
        String[] kv = new String[keys.length * 2];
        for (int i = 0; i < keys.length; i++) {
            kv[2 * i] = keys[i];
            kv[2 * i + 1] = values.get(i);
        }
        return kv;
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoDuration;
import dev.kapi.apiserver.audit.BatchBackend;
import org.springframework.core.env.Environment;

import java.time.Duration;

/**
 * The flags one audit backend ({@code log} or {@code webhook}) shares with the other under its own prefix, with
 * kube's defaults: {@code --audit-<backend>-mode} ({@code blocking} for the log, {@code batch} for the webhook),
 * the batch options {@code --audit-<backend>-batch-buffer-size} (10000), {@code -batch-max-size} (the log 1, the
 * webhook 400), {@code -batch-max-wait} (the webhook 30s), {@code -batch-throttle-enable} (the log false, the
 * webhook true), {@code -batch-throttle-qps} (10) and {@code -batch-throttle-burst} (15), and the truncate backend's
 * {@code --audit-<backend>-truncate-enabled} (false), {@code -truncate-max-event-size} (100 KiB) and
 * {@code -truncate-max-batch-size} (10 MiB).
 */
record AuditBackendFlags(String backend, String mode, BatchBackend.Options batch, boolean throttle,
                         boolean truncateEnabled, long truncateMaxEventSize, long truncateMaxBatchSize) {

    /** The modes kube's flags take. */
    static final java.util.List<String> MODES = java.util.List.of("batch", "blocking", "blocking-strict");

    static AuditBackendFlags read(Environment env, String backend) {
        boolean webhook = backend.equals("webhook");
        String p = "audit-" + backend + "-";
        boolean throttle = env.getProperty(p + "batch-throttle-enable", Boolean.class, webhook);
        double qps = env.getProperty(p + "batch-throttle-qps", Double.class, 10.0);
        Duration maxWait;
        String wait = env.getProperty(p + "batch-max-wait", webhook ? "30s" : "0s");
        try {
            maxWait = wait.isBlank() ? Duration.ZERO : GoDuration.parse(wait.trim());
        } catch (IllegalArgumentException e) {
            throw StartupFailure.of("--" + p + "batch-max-wait", e);
        }
        BatchBackend.Options batch = new BatchBackend.Options(
                env.getProperty(p + "batch-buffer-size", Integer.class, 10_000),
                env.getProperty(p + "batch-max-size", Integer.class, webhook ? 400 : 1),
                maxWait, throttle ? qps : 0, env.getProperty(p + "batch-throttle-burst", Integer.class, 15), webhook);
        return new AuditBackendFlags(backend, env.getProperty(p + "mode", webhook ? "batch" : "blocking").trim(),
                batch, throttle, env.getProperty(p + "truncate-enabled", Boolean.class, false),
                env.getProperty(p + "truncate-max-event-size", Long.class, 102_400L),
                env.getProperty(p + "truncate-max-batch-size", Long.class, 10_485_760L));
    }

    /** kube's checks of these flags, made when the backend is configured; a failure stops the server. */
    void check() {
        String p = "audit-" + backend + "-";
        if (!MODES.contains(mode)) {
            throw new StartupFailure("--" + p + "mode=" + mode + ": invalid audit " + backend + " mode " + mode
                    + ", allowed modes are \"batch,blocking,blocking-strict\"");
        }
        if (mode.equals("batch")) {
            if (batch.bufferSize() <= 0) {
                throw new StartupFailure("invalid audit batch " + backend + " buffer size " + batch.bufferSize()
                        + ", must be a positive number");
            }
            if (batch.maxBatchSize() <= 0) {
                throw new StartupFailure("invalid audit batch " + backend + " max batch size " + batch.maxBatchSize()
                        + ", must be a positive number");
            }
            if (throttle && batch.qps() <= 0) {
                throw new StartupFailure("invalid audit batch " + backend + " throttle QPS " + goFloat(batch.qps())
                        + ", must be a positive number");
            }
            if (throttle && batch.burst() <= 0) {
                throw new StartupFailure("invalid audit batch " + backend + " throttle burst " + batch.burst()
                        + ", must be a positive number");
            }
        }
        if (truncateMaxEventSize <= 0) {
            throw new StartupFailure("invalid audit truncate " + backend + " max event size " + truncateMaxEventSize
                    + ", must be a positive number");
        }
        if (truncateMaxBatchSize < truncateMaxEventSize) {
            throw new StartupFailure("invalid audit truncate " + backend + " max batch size " + truncateMaxBatchSize
                    + ", must be greater than max event size (" + truncateMaxEventSize + ")");
        }
    }

    /** A float as Go's %v writes it: {@code 0}, {@code -1}, {@code 1.5}. */
    static String goFloat(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e21 ? Long.toString((long) v)
                : Double.toString(v).replace("Infinity", "Inf");
    }

    /** The largest event the backend sends (bytes of JSON), 0 without truncation. */
    long maxEventSize() {
        return truncateEnabled ? truncateMaxEventSize : 0;
    }
}

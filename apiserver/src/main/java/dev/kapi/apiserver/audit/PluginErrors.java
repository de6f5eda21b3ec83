package dev.kapi.apiserver.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports the events one audit plugin dropped in kube's words ("Error in audit plugin 'webhook' affecting 3 audit
 * events: ..."): counted at once ({@link AuditMetrics}), logged at most every ten seconds with how many were
 * dropped since the last line, never with the events' content. A failure within ten seconds of the last line is
 * counted into the next line, written at the next failure after those ten seconds. Safe for concurrent use.
 */
final class PluginErrors {

    private static final Logger LOG = LoggerFactory.getLogger(PluginErrors.class);
    private static final long REPORT_EVERY_NANOS = 10_000_000_000L;

    private final String plugin;
    private final AuditMetrics metrics;
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_EVERY_NANOS);
    private final AtomicLong dropped = new AtomicLong();

    PluginErrors(String plugin, AuditMetrics metrics) {
        this.plugin = plugin;
        this.metrics = metrics;
    }

    /** Counts {@code events} dropped for {@code error}; logs when the last report is ten seconds old. */
    void report(int events, String error) {
        metrics.pluginError(plugin, events);
        long n = dropped.addAndGet(events);
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last >= REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
            dropped.addAndGet(-n);
            LOG.error("Error in audit plugin '{}' affecting {} audit events: {}", plugin, n, error);
        }
    }
}

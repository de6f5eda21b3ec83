package dev.kapi.apiserver.server;

import dev.kapi.apiserver.audit.AuditMetrics;
import dev.kapi.apiserver.audit.Level;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's audit counters on the server's meter registry: {@code apiserver_audit_event_total},
 * {@code apiserver_audit_level_total{level}}, {@code apiserver_audit_error_total{plugin}} and
 * {@code apiserver_audit_requests_rejected_total}, with kube's help texts. The two without labels are there
 * from the start (0), as in kube.
 */
final class AuditMeters implements AuditMetrics {

    private final MeterRegistry meters;
    private final Counter events;
    private final Counter rejected;
    private final Map<Level, Counter> levels = new EnumMap<>(Level.class);
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    AuditMeters(MeterRegistry meters) {
        this.meters = meters;
        this.events = Counter.builder("apiserver.audit.event")
                .description("Counter of audit events generated and sent to the audit backend.").register(meters);
        this.rejected = Counter.builder("apiserver.audit.requests.rejected")
                .description("Counter of apiserver requests rejected due to an error in audit logging backend.")
                .register(meters);
        for (Level level : Level.values()) {
            levels.put(level, Counter.builder("apiserver.audit.level")
                    .description("Counter of policy levels for audit events (1 per request).")
                    .tag("level", level.name()).register(meters));
        }
    }

    @Override
    public void eventProcessed() {
        events.increment();
    }

    @Override
    public void policyLevel(Level level) {
        levels.get(level).increment();
    }

    @Override
    public void pluginError(String plugin, long n) {
        errors.computeIfAbsent(plugin, p -> Counter.builder("apiserver.audit.error")
                .description("Counter of audit events that failed to be audited properly. Plugin identifies the "
                        + "plugin affected by the error.")
                .tag("plugin", p).register(meters)).increment(n);
    }

    @Override
    public void requestRejected() {
        rejected.increment();
    }
}

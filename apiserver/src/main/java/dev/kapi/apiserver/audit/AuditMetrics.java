package dev.kapi.apiserver.audit;

/**
 * What auditing counts for {@code /metrics}, in kube's terms: {@code apiserver_audit_event_total} (each event a
 * backend is handed, one per written stage), {@code apiserver_audit_level_total{level}} (the policy's level, once
 * per request, None included), {@code apiserver_audit_error_total{plugin}} (events a plugin dropped:
 * {@code log}, {@code webhook}, {@code buffered} for a full queue, {@code truncate} for one too large) and
 * {@code apiserver_audit_requests_rejected_total} (requests failed by a {@code blocking-strict} backend). The
 * server binds it to its meter registry; the audit stage knows nothing of meters. Safe for concurrent use.
 */
public interface AuditMetrics {

    default void eventProcessed() {
    }

    default void policyLevel(Level level) {
    }

    default void pluginError(String plugin, long events) {
    }

    default void requestRejected() {
    }

    /** Counts nothing (tests, and a server without metrics). */
    AuditMetrics NONE = new AuditMetrics() {
    };
}

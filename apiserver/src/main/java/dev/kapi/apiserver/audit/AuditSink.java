package dev.kapi.apiserver.audit;

import java.util.List;

/**
 * Where audit events go (kube's audit backend). Called once per written stage of a request, from the
 * request's thread; must be safe to call from many threads at once.
 */
public interface AuditSink {

    /**
     * Stores the event as it is now (it changes after the call). Returns false when it could not be stored; it
     * never throws, so a failing audit disk does not fail requests (unless the server runs a backend in
     * {@code blocking-strict} mode).
     */
    boolean process(AuditEvent event);

    /** This sink, answering true whatever happened (kube's {@code blocking} mode: a failure never fails a request). */
    default AuditSink ignoringFailures() {
        return event -> {
            process(event);
            return true;
        };
    }

    /** Every one of {@code sinks} in turn (kube's union backend): true when each stored the event. */
    static AuditSink all(List<AuditSink> sinks) {
        if (sinks.size() == 1) {
            return sinks.getFirst();
        }
        List<AuditSink> copy = List.copyOf(sinks);
        return event -> {
            boolean stored = true;
            for (AuditSink s : copy) {
                stored &= s.process(event);
            }
            return stored;
        };
    }
}

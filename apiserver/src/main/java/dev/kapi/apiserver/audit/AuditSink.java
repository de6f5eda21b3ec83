package dev.kapi.apiserver.audit;

/**
 * Where audit events go (kube's audit backend). Called once per written stage of a request, from the
 * request's thread; must be safe to call from many threads at once.
 */
public interface AuditSink {

    /**
     * Stores the event as it is now (it changes after the call). Returns false when it could not be stored; it
     * never throws, so a failing audit disk does not fail requests (unless the server runs
     * {@code --audit-log-mode=blocking-strict}).
     */
    boolean process(AuditEvent event);
}

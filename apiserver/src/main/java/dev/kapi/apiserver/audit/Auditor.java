package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Instant;
import java.util.Set;

/**
 * The server's auditing: the policy, the sink and whether a failed write fails the request
 * ({@code --audit-log-mode=blocking-strict}). {@link #DISABLED} without {@code --audit-policy-file} or
 * {@code --audit-log-path}, as kube-apiserver audits nothing then.
 */
public final class Auditor {

    public static final Auditor DISABLED = new Auditor(null, null, false);

    /** kube's long-running requests: their ResponseStarted stage is written when the answer begins. */
    private static final Set<String> LONG_RUNNING_VERBS = Set.of("watch", "proxy");
    private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");
    private static final int MAX_USER_AGENT = 1024;

    private final Policy policy;
    private final AuditSink sink;
    private final boolean strict;
    private final AuditMetrics metrics;

    public Auditor(Policy policy, AuditSink sink, boolean strict) {
        this(policy, sink, strict, AuditMetrics.NONE);
    }

    /** Counting what kube counts ({@link AuditMetrics}): every event handed to the sink, each request's level. */
    public Auditor(Policy policy, AuditSink sink, boolean strict, AuditMetrics metrics) {
        this.policy = policy;
        this.sink = sink == null ? null : event -> {
            metrics.eventProcessed();
            return sink.process(event);
        };
        this.strict = strict;
        this.metrics = metrics;
    }

    AuditMetrics metrics() {
        return metrics;
    }

    public boolean enabled() {
        return policy != null && sink != null;
    }

    boolean strict() {
        return strict;
    }

    /**
     * The request's audit context, or null when the policy says None. {@code user} is null for a request whose
     * authentication failed (rules naming users or groups do not match it).
     */
    AuditContext begin(HttpServletRequest req, UserInfo user, RequestInfo info, String auditId) {
        if (!enabled() || info == null) {
            return null;
        }
        Policy.Decision decision = policy.evaluate(RequestAttributes.of(user, info));
        metrics.policyLevel(decision.level());
        if (decision.level() == Level.None) {
            return null;
        }
        AuditEvent.ObjectRef ref = null;
        if (info.resourceRequest()) {
            RequestAttributes a = RequestAttributes.of(user, info);
            ref = new AuditEvent.ObjectRef();
            ref.resource = a.resource();
            ref.namespace = a.namespace();
            ref.name = a.name();
            ref.apiGroup = a.apiGroup();
            ref.apiVersion = a.apiVersion();
            ref.subresource = a.subresource();
        }
        String query = req.getQueryString();
        String uri = req.getRequestURI() + (query == null ? "" : "?" + query);
        AuditEvent event = new AuditEvent(decision.level(), auditId, uri, info.verb(), user, SourceIps.of(req),
                userAgent(req), ref, Instant.now());
        return new AuditContext(event, decision, sink);
    }

    static boolean longRunning(RequestInfo info) {
        return info != null && (LONG_RUNNING_VERBS.contains(info.verb())
                || (info.resourceRequest() && info.subresource() != null
                && LONG_RUNNING_SUBRESOURCES.contains(info.subresource())));
    }

    private static String userAgent(HttpServletRequest req) {
        String ua = req.getHeader("User-Agent");
        if (ua == null) {
            return "";
        }
        return ua.length() > MAX_USER_AGENT ? ua.substring(0, MAX_USER_AGENT) + "...TRUNCATED" : ua;
    }
}

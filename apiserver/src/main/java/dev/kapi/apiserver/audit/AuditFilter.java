package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The audit stage, right after authentication (kube-apiserver's {@code WithAudit}): gives every request its
 * audit ID ({@code Audit-Id} response header) and, when the policy records the request, writes its event at
 * RequestReceived before anything else runs, at ResponseStarted once a long-running request (watch, log, exec,
 * proxy...) has begun its answer, and at ResponseComplete when the answer is done (for a watch, when the stream
 * ends), or at Panic when a later stage failed unexpectedly. Denied requests (403) are recorded like any other;
 * failed authentication (401) is recorded by {@link FailedAuthenticationAudit}.
 */
public final class AuditFilter extends HttpFilter {

    private final transient Auditor auditor;

    public AuditFilter(Auditor auditor) {
        this.auditor = auditor;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String auditId = AuditIds.assign(req, res);
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        AuditContext ctx = auditor.enabled() && req.getAttribute(AuditContext.ATTRIBUTE) == null
                ? auditor.begin(req, (UserInfo) req.getAttribute(UserInfo.ATTRIBUTE), info, auditId) : null;
        if (ctx == null) {
            chain.doFilter(req, res);
            return;
        }
        req.setAttribute(AuditContext.ATTRIBUTE, ctx);
        if (!ctx.write(Stage.RequestReceived) && auditor.strict()) {
            auditor.metrics().requestRejected();
            StatusResponses.write(req, res, StatusError.internal("failed to store audit event").status());
            return;
        }
        boolean longRunning = Auditor.longRunning(info);
        try {
            chain.doFilter(req, res);
        } catch (StatusError e) {
            // answered by panic recovery, outside this stage: record the answer it will write
            ctx.responseStatus(e.status().getCode() == null ? 500 : e.status().getCode(), e.status());
            finish(ctx, longRunning);
            throw e;
        } catch (RuntimeException | ServletException e) {
            ctx.responseStatus(500, panic(e));
            if (ctx.complete()) {
                ctx.write(Stage.Panic);
            }
            throw e;
        }
        if (longRunning) {
            ctx.responseStatus(res.getStatus(), written(req));
            ctx.write(Stage.ResponseStarted);
        }
        if (req.isAsyncStarted()) {
            req.getAsyncContext().addListener(new CompleteWhenDone(ctx, req, res));
            return;
        }
        ctx.responseStatus(res.getStatus(), written(req));
        if (ctx.complete()) {
            ctx.write(Stage.ResponseComplete);
        }
    }

    private static void finish(AuditContext ctx, boolean longRunning) {
        if (longRunning) {
            ctx.write(Stage.ResponseStarted);
        }
        if (ctx.complete()) {
            ctx.write(Stage.ResponseComplete);
        }
    }

    /** The Status this request was answered with, if it was answered with one. */
    static Status written(HttpServletRequest req) {
        return req.getAttribute(StatusResponses.WRITTEN) instanceof Status s ? s : null;
    }

    private static Status panic(Exception e) {
        Status s = StatusError.internal("APIServer panic'd: " + e.getMessage()).status();
        s.setMessage("APIServer panic'd: " + e.getMessage());
        s.setDetails(null); // kube's audit writes this Status itself, without NewInternalError's cause
        return s;
    }

    /** A watch or another asynchronous answer: ResponseComplete when the container completes it. */
    private record CompleteWhenDone(AuditContext ctx, HttpServletRequest req, HttpServletResponse res)
            implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            done();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            done();
        }

        @Override
        public void onError(AsyncEvent event) {
            done();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }

        private void done() {
            if (ctx.complete()) {
                ctx.responseStatus(res.getStatus(), written(req));
                ctx.write(Stage.ResponseComplete);
            }
        }
    }
}

package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.filters.RequestInfo;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Audits requests that fail authentication (kube's {@code WithFailedAuthenticationAudit}) around the 401 entry
 * point: the policy is asked with no user (rules naming users or groups do not match), and one event is written
 * at ResponseStarted with an empty user and the 401's status. The event starts with kube's note of the methods
 * tried ({@code Authentication failed, attempted: bearer}). Every 401 carries an {@code Audit-Id} header.
 */
public final class FailedAuthenticationAudit implements AuthenticationEntryPoint {

    private final AuthenticationEntryPoint delegate;
    private final Auditor auditor;

    public FailedAuthenticationAudit(AuthenticationEntryPoint delegate, Auditor auditor) {
        this.delegate = delegate;
        this.auditor = auditor;
    }

    @Override
    public void commence(HttpServletRequest req, HttpServletResponse res, AuthenticationException e)
            throws IOException, ServletException {
        String auditId = AuditIds.assign(req, res);
        AuditContext ctx = req.getAttribute(AuditContext.ATTRIBUTE) == null
                ? auditor.begin(req, null, (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE), auditId) : null;
        if (ctx == null) {
            delegate.commence(req, res, e);
            return;
        }
        req.setAttribute(AuditContext.ATTRIBUTE, ctx);
        ctx.responseMessage(attemptedMethods(req));
        delegate.commence(req, res, e);
        ctx.responseStatus(res.getStatus(), AuditFilter.written(req));
        if (ctx.complete()) {
            ctx.write(Stage.ResponseStarted);
        }
    }

    /** kube's {@code getAuthMethods}: which credentials the request carried. */
    static String attemptedMethods(HttpServletRequest req) {
        List<String> methods = new ArrayList<>();
        String auth = req.getHeader("Authorization");
        auth = auth == null ? "" : auth.trim();
        String[] parts = auth.split(" ");
        if (parts.length > 1 && parts[0].equalsIgnoreCase("basic")) {
            methods.add("basic");
        }
        if (parts.length > 1 && parts[0].equalsIgnoreCase("bearer")) {
            methods.add("bearer");
        }
        if (hasQueryValue(req.getQueryString(), "access_token")) {
            methods.add("access_token");
        }
        if (req.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] certs
                && certs.length > 0) {
            methods.add("x509");
        }
        return methods.isEmpty() ? "Authentication failed, no credentials provided"
                : "Authentication failed, attempted: " + String.join(", ", methods);
    }

    private static boolean hasQueryValue(String query, String name) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=") && !pair.substring(name.length() + 1).isBlank()) {
                return true;
            }
        }
        return false;
    }
}

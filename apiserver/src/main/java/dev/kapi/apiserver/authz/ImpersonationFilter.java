package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.authn.RequestAuthenticationFilter;
import dev.kapi.apiserver.authn.UserInfo;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

/**
 * The impersonation stage, between authentication and authorization (kube-apiserver's
 * {@code WithImpersonation}): {@code Impersonate-User}, {@code Impersonate-Group}, {@code Impersonate-Uid} and
 * {@code Impersonate-Extra-<key>} headers make the request act as another user, provided the authenticated
 * user may {@code impersonate} each of them (users, groups and serviceaccounts in the core group; uids and
 * userextras/&lt;key&gt; in authentication.k8s.io). A refusal is a 403 through the access-denied handler;
 * the headers are removed before the request goes on. The audit event keeps the authenticated user and names the
 * impersonated one.
 */
public final class ImpersonationFilter extends HttpFilter {

    private static final String IMPERSONATE = "impersonate-";

    private final transient Authorizer authorizer;

    public ImpersonationFilter(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        if (!hasImpersonationPrefix(req)) {
            chain.doFilter(req, res);
            return;
        }
        ImpersonationRequest wanted = ImpersonationRequest.of(req);
        if (wanted.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        if (wanted.user().isEmpty()) {
            StatusResponses.write(req, res, StatusError.badRequest(
                    "requested " + wanted.describe() + " without impersonating a user").status());
            return;
        }
        UserInfo requestor = (UserInfo) req.getAttribute(UserInfo.ATTRIBUTE);
        for (AuthorizationAttributes check : wanted.checks(requestor)) {
            Decision d = authorizer.authorize(check);
            if (!d.allowed()) {
                throw new AuthorizationDeniedException("impersonation denied",
                        new AuthorizerDecision(false, check, d.reason()));
            }
        }
        RequestAuthenticationFilter.setUser(req, wanted.userInfo(), SecurityContextHolder.getContextHolderStrategy());
        AuditContext.of(req).impersonatedUser(wanted.userInfo());
        chain.doFilter(ImpersonationRequest.withoutHeaders(req), res);
    }

    /**
     * Whether any header name starts with {@code Impersonate-} (case-insensitive): every impersonation header
     * does, so a request without one (nearly all) needs no further look at its headers.
     */
    static boolean hasImpersonationPrefix(HttpServletRequest req) {
        Enumeration<String> names = req.getHeaderNames();
        if (names == null) {
            return true; // the headers cannot be listed: take the full look
        }
        while (names.hasMoreElements()) {
            if (names.nextElement().regionMatches(true, 0, IMPERSONATE, 0, IMPERSONATE.length())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a header name is one of the impersonation headers (case-insensitive). */
    static boolean isImpersonationHeader(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return List.of("impersonate-user", "impersonate-group", "impersonate-uid").contains(n)
                || n.startsWith(ImpersonationRequest.EXTRA_PREFIX);
    }
}

package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * Answers a denied request with kube-apiserver's 403 (or, when an authorizer failed and none allowed, its
 * plain-text 500), e.g. {@code configmaps "x" is forbidden: User "bob"
 * cannot get resource "configmaps" in API group "" in the namespace "default"} or {@code forbidden: User
 * "system:anonymous" cannot get path "/healthz"}.
 */
public final class ForbiddenHandler implements AccessDeniedHandler {

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof AuthorizerDecision d && d.attributes() != null) {
            if (d.error() != null) {
                internalError(request, response, d.error());
                return;
            }
            StatusResponses.write(request, response, forbidden(d.attributes(), d.reason()));
            return;
        }
        StatusResponses.write(request, response, StatusError.status(403, "Forbidden", "forbidden", null));
    }

    /**
     * kube's {@code responsewriters.InternalError} (Go's {@code http.Error}): a plain-text 500, e.g. {@code Internal
     * Server Error: "/api/v1/pods": Post "https://authz.example": EOF}, with {@code & < >} escaped as HTML.
     */
    static void internalError(HttpServletRequest request, HttpServletResponse response, String error)
            throws IOException {
        String uri = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String text = ("Internal Server Error: " + GoQuote.quote(uri) + ": " + error).replace("&", "&amp;")
                .replace("<", "&lt;").replace(">", "&gt;");
        response.setStatus(500);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(text + "\n");
    }

    /** The 403 Status for a denied request. */
    public static Status forbidden(AuthorizationAttributes a, String reason) {
        String why = ForbiddenMessages.reason(a, reason);
        if (!a.resourceRequest()) {
            return StatusError.status(403, "Forbidden", "forbidden: " + why, null);
        }
        return StatusError.forbidden(new GroupResource(a.apiGroup(), a.resource()), a.name(), why).status();
    }
}

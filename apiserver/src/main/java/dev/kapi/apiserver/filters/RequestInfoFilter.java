package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.selection.FieldSelector;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * First stage after panic recovery: works out what the request addresses and leaves it as an attribute. Every
 * later stage sees the request's parameters from its query string only ({@link QueryOnlyParameters}): no form
 * body is ever read as parameters, before authentication or after.
 */
public final class RequestInfoFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest queryOnly = new QueryOnlyParameters(req);
        RequestInfo info = RequestInfoResolver.resolve(req.getMethod(), req.getRequestURI(),
                queryOnly.getParameter("watch"), nameSelected(queryOnly.getParameter("fieldSelector")));
        req.setAttribute(RequestInfo.ATTRIBUTE, info);
        chain.doFilter(queryOnly, res);
    }

    /**
     * The one name a list's or watch's field selector requires ({@code metadata.name=x}, kube's
     * {@code RequiresExactMatch}), which kube authorizes the request for: a Role with {@code resourceNames} may
     * then list or watch that object ({@code kubectl get secret x --watch}). The list and watch handlers apply the
     * same selector, so nothing else is served. Null without one, for a name that is no path segment (kube's
     * {@code IsValidPathSegmentName}), and for a selector that does not parse (its handler answers that with a
     * 400 after authorization, as for any list).
     */
    static String nameSelected(String fieldSelector) {
        if (fieldSelector == null || fieldSelector.isEmpty()) {
            return null;
        }
        String name;
        try {
            name = FieldSelector.parse(fieldSelector).exactMatch("metadata.name");
        } catch (RuntimeException e) {
            return null;
        }
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("%")) {
            return null;
        }
        return name;
    }
}

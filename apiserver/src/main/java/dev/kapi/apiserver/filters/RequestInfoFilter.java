package dev.kapi.apiserver.filters;

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
                queryOnly.getParameter("watch"), null);
        req.setAttribute(RequestInfo.ATTRIBUTE, info);
        chain.doFilter(queryOnly, res);
    }
}

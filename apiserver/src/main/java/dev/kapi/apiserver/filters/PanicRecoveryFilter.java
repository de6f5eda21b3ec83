package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** Outermost stage: anything a later stage throws becomes a 500 Status instead of a broken response. */
public final class PanicRecoveryFilter extends HttpFilter {

    private static final Logger LOG = LoggerFactory.getLogger(PanicRecoveryFilter.class);

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(req, res);
        } catch (StatusError e) {
            StatusResponses.write(req, res, e.status());
        } catch (RuntimeException | ServletException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            StatusResponses.write(req, res, StatusError.internal(String.valueOf(e.getMessage())).status());
        }
    }
}

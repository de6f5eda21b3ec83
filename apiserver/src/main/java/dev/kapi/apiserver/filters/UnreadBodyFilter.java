package dev.kapi.apiserver.filters;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Keeps a connection reusable when a request was answered without reading its body (an error such as
 * 401, 405 or 415 is decided from the headers): after the answer, up to {@value #LIMIT} bytes of the body
 * are read and dropped, as Go's HTTP server does for kube-apiserver. A larger body closes the connection
 * ({@code Connection: close}). Without this the container closes such a connection right after the
 * response, and a client that already sent its next request on it sees the connection drop. A client
 * that asked for {@code Expect: 100-continue} was not told to send the body, so nothing is read then.
 */
public final class UnreadBodyFilter extends HttpFilter {

    static final int LIMIT = 256 * 1024;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(req, res);
        if (req.isAsyncStarted() || !hasBody(req) || req.getHeader("Expect") != null) {
            return;
        }
        ServletInputStream in;
        try {
            in = req.getInputStream();
        } catch (IllegalStateException readAsText) {
            return; // the handler read it with getReader()
        }
        if (in.isFinished()) {
            return;
        }
        byte[] buf = new byte[8192];
        long dropped = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                dropped += n;
                if (dropped > LIMIT) {
                    if (!res.isCommitted()) {
                        res.setHeader("Connection", "close");
                    }
                    return;
                }
            }
        } catch (IOException clientGone) {
            // nothing to keep
        }
    }

    private static boolean hasBody(HttpServletRequest req) {
        return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    }
}

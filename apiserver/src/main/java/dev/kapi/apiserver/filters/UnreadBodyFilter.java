package dev.kapi.apiserver.filters;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a connection reusable when a request was answered without reading its body (an error such as
 * 401, 405, 413 or 415 is decided from the headers): after the answer, up to {@value #LIMIT} bytes of the
 * body are read and dropped, as Go's HTTP server does for kube-apiserver, for at most five seconds (a body
 * trickling in a byte at a time does not hold its connection for as long as the client likes). A larger or
 * slower body closes the connection ({@code Connection: close}, said up front for a body declared over the
 * API's 3 MiB limit),
 * but only after the answer went out and the rest of the body was read for a while (up to
 * {@value #LINGER_BYTES} bytes or one second, which also becomes the connection's idle timeout): closing a
 * socket with unread data resets it, and a client still sending (a 4 MiB body refused with 413) would lose
 * the answer. Without this the container closes such a connection right after the response, and a client
 * that already sent its next request on it sees the connection drop. A client that asked for
 * {@code Expect: 100-continue} was not told to send the body, so nothing is read then.
 */
public final class UnreadBodyFilter extends HttpFilter {

    static final int LIMIT = 256 * 1024;
    /** Bodies declared larger than the API's limit (kube's 3 MiB, BodyReader) are refused unread. */
    public static final long API_BODY_LIMIT = 3L * 1024 * 1024;
    static final long LINGER_BYTES = 64L * 1024 * 1024;
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a body the answer did not need may take to arrive before its connection is closed instead. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req.getContentLengthLong() > API_BODY_LIMIT) {
            res.setHeader("Connection", "close"); // said now: the answer is usually complete, so committed, early
        }
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
        try {
            if (drain(in, buf, LIMIT, DRAIN_NANOS)) {
                return; // the connection stays open for the next request
            }
            if (!res.isCommitted()) {
                res.setHeader("Connection", "close");
            }
            res.flushBuffer();
            lingerTimeout(req);
            drain(in, buf, LINGER_BYTES, LINGER_NANOS);
        } catch (IOException clientGone) {
            // nothing to keep
        }
    }

    /** Reads and drops the body until it ends (true), or until {@code max} bytes or the time are spent (false). */
    private static boolean drain(ServletInputStream in, byte[] buf, long max, long nanos) throws IOException {
        long start = System.nanoTime();
        long dropped = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            dropped += n;
            if (dropped > max || System.nanoTime() - start > nanos) {
                return false;
            }
        }
        return true;
    }

    /** A client that stalls while the closing connection lingers is cut off after the linger time. */
    private static void lingerTimeout(HttpServletRequest req) {
        idleTimeout(req, TimeUnit.NANOSECONDS.toMillis(LINGER_NANOS));
    }

    /**
     * Sets the idle timeout of the request's connection (Jetty's endpoint): a connection about to close is cut
     * off after {@code millis} without traffic. Does nothing outside Jetty.
     */
    static void idleTimeout(HttpServletRequest req, long millis) {
        ServletContextRequest jetty;
        try {
            jetty = ServletContextRequest.getServletContextRequest(req);
        } catch (IllegalStateException notJetty) { // Jetty 12 throws rather than answering null
            return;
        }
        if (jetty != null && jetty.getConnectionMetaData() != null) {
            jetty.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(millis);
        }
    }

    private static boolean hasBody(HttpServletRequest req) {
        return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    }
}

package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.GoDuration;
import dev.kapi.apiserver.api.RequestDeadline;
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
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * kube's {@code WithRequestDeadline} and {@code WithTimeoutForNonLongRunningRequests}: a request that is not
 * long-running ({@link LongRunning}: watches, logs, exec and the like are not cut) has until its deadline to
 * start its answer: its {@code timeout} query parameter (a Go duration such as {@code 5s}, which
 * {@code kubectl --request-timeout} sends) when that is shorter than {@code --request-timeout} (default 60 s),
 * else {@code --request-timeout}. A {@code timeout} that is no duration is kube's 400. When the deadline passes
 * first, the client gets kube's 504 Timeout Status at once ({@link TimedResponse}); the handler's later
 * reads of the body and writes of its answer fail, a webhook it calls waits no longer than the deadline
 * ({@link RequestDeadline}), and what it still does is its own (kube's post-timeout activity: a write already
 * sent to storage may still land, as in kube).
 */
public final class RequestDeadlineFilter extends HttpFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlineFilter.class);
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    /** Idle time after which a connection whose request timed out while its body was still arriving ends. */
    static final long CLOSE_AFTER_MILLIS = 1_000;

    private final Duration maximum;

    /** @param maximum {@code --request-timeout}; zero: no limit but the request's own {@code timeout} */
    public RequestDeadlineFilter(Duration maximum) {
        this.maximum = maximum;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("request-deadlines").factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (LongRunning.is((RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE))) {
            chain.doFilter(req, res);
            return;
        }
        Duration timeout;
        try {
            timeout = timeout(req.getParameter("timeout"), maximum);
        } catch (IllegalArgumentException e) {
            StatusResponses.write(req, res, StatusError.badRequest(e.getMessage()).status());
            return;
        }
        if (timeout.isZero()) {
            chain.doFilter(req, res);
            return;
        }
        TimedResponse timed = new TimedResponse(res);
        ScheduledFuture<?> deadline = TIMER.schedule(() -> Thread.ofVirtual().start(() -> {
            boolean bodyPending;
            try {
                bodyPending = !bodyRead(req);
            } catch (RuntimeException e) { // the exchange ended as the deadline came (Jetty recycled the request)
                LOG.debug("the body's state is gone at the deadline: {}", e.toString());
                bodyPending = false; // timeOut answers nothing for a finished exchange, and 504s a live one
            }
            if (timed.timeOut(req, bodyPending) && bodyPending) {
                closeSoon(req); // a handler blocked reading a slow body fails within a second, freeing its slot
            }
        }), timeout.toNanos(), TimeUnit.NANOSECONDS);
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(timeout)) {
            chain.doFilter(new TimedRequest(req, timed::timedOut), timed);
        } catch (IOException | RuntimeException | ServletException e) {
            if (!timed.timedOut()) {
                throw e;
            }
            LOG.debug("{} {} failed after its deadline", req.getMethod(), req.getRequestURI(), e);
        } finally {
            timed.finish();
            deadline.cancel(false);
        }
    }

    /** Whether the request has no body still arriving (never asks for one: no 100 Continue is sent). */
    private static boolean bodyRead(HttpServletRequest req) {
        if (req.getContentLengthLong() <= 0 && req.getHeader("Transfer-Encoding") == null
                || req.getHeader("Expect") != null) {
            return true;
        }
        try {
            return req.getInputStream().isFinished();
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Ends the connection after a second without traffic: the 504 has gone out, and the rest of the body is of no
     * use. Without this, a body sent a byte a minute kept its handler (and its in-flight slot) waiting.
     */
    private static void closeSoon(HttpServletRequest req) {
        UnreadBodyFilter.idleTimeout(req, CLOSE_AFTER_MILLIS);
    }

    /**
     * The time a request has: its {@code timeout} when positive and shorter than {@code maximum} (or when there
     * is no maximum), else {@code maximum}; zero for no limit at all.
     *
     * @throws IllegalArgumentException kube's message for a {@code timeout} that is not a Go duration
     */
    static Duration timeout(String parameter, Duration maximum) {
        if (parameter == null || parameter.isEmpty()) {
            return maximum;
        }
        Duration requested;
        try {
            requested = GoDuration.parse(parameter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid timeout specified in the request URL - " + e.getMessage());
        }
        boolean shorter = maximum.isZero() || requested.compareTo(maximum) < 0;
        return requested.isPositive() && shorter ? requested : maximum;
    }
}

package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * kube-apiserver's {@code WithMaxInFlightLimit} ({@code --max-requests-inflight} for get, list and watch,
 * {@code --max-mutating-requests-inflight} for every other verb; 0 = no limit): a request over its limit is
 * answered 429 with {@code Retry-After: 1}, "Too many requests, please try again later.". As in kube it sits
 * after authentication and impersonation, before authorization; long-running requests ({@link LongRunning})
 * are never counted, and a request that finds its limit reached still runs when {@code privileged} says so
 * (kube: members of {@code system:masters}, which includes the server's own loopback client).
 *
 * <p>Unlike kube without API Priority and Fairness, health probes ({@code /healthz}, {@code /livez},
 * {@code /readyz} and their checks) are not counted: kube's default (APF on) exempts them through its
 * {@code probes} FlowSchema, and a server under load must not be killed by its own liveness probe.
 *
 * <p>{@code apiserver_current_inflight_requests{request_kind=readOnly|mutating}} shows how many run now.
 */
public final class MaxInFlightFilter extends HttpFilter {

    private static final Set<String> READ_ONLY = Set.of("get", "list", "watch");
    private static final Set<String> PROBES = Set.of("healthz", "livez", "readyz");

    private final Limit readOnly;
    private final Limit mutating;
    private final Predicate<HttpServletRequest> privileged;
    private final MeterRegistry meters;

    public MaxInFlightFilter(int maxReadOnly, int maxMutating, Predicate<HttpServletRequest> privileged,
                             MeterRegistry meters) {
        this.readOnly = new Limit(maxReadOnly, "readOnly", meters);
        this.mutating = new Limit(maxMutating, "mutating", meters);
        this.privileged = privileged;
        this.meters = meters;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        if (info == null || LongRunning.is(info) || isProbe(info)) {
            chain.doFilter(req, res);
            return;
        }
        Limit limit = READ_ONLY.contains(info.verb()) ? readOnly : mutating;
        boolean counted = limit.tryAcquire();
        if (!counted && !privileged.test(req)) {
            Counter.builder("apiserver.request.terminations")
                    .description("Number of requests which apiserver terminated in self-defense.")
                    .tags(RequestMetricsFilter.labels(req, info)).tag("code", "429")
                    .register(meters).increment();
            res.setHeader("Retry-After", "1");
            StatusResponses.write(req, res,
                    StatusError.tooManyRequests("Too many requests, please try again later.").status());
            return;
        }
        try {
            chain.doFilter(req, res);
        } finally {
            if (counted) {
                limit.release();
            }
        }
    }

    private static boolean isProbe(RequestInfo info) {
        return !info.resourceRequest() && info.parts() != null && info.parts().length > 0
                && PROBES.contains(info.parts()[0]);
    }

    /** One limit and how many requests hold it; a limit of 0 or less counts without refusing. */
    private static final class Limit {
        private final int max;
        private final AtomicInteger inFlight = new AtomicInteger();

        Limit(int max, String kind, MeterRegistry meters) {
            this.max = max;
            Gauge.builder("apiserver.current.inflight.requests", inFlight, AtomicInteger::get)
                    .description("Number of requests currently executing in this apiserver, per request kind.")
                    .tag("request_kind", kind).register(meters);
        }

        boolean tryAcquire() {
            while (true) {
                int n = inFlight.get();
                if (max > 0 && n >= max) {
                    return false;
                }
                if (inFlight.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            inFlight.decrementAndGet();
        }
    }
}

package dev.kapi.apiserver.filters;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-flight limits with requests held inside the chain: which verbs count against which limit, what is
 * never counted (long-running requests, probes), who passes a full limit (system:masters), and 0 as no limit.
 */
class MaxInFlightFilterTest {

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    @Test
    void readsAndWritesHaveTheirOwnLimits() throws Exception {
        MaxInFlightFilter filter = filter(1, 1, r -> false);
        hold(filter, "GET", "/api/v1/namespaces/a/configmaps");
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/configmaps/x", null)).isEqualTo(429);
        assertThat(status(filter, "POST", "/api/v1/namespaces/a/configmaps", null)).isEqualTo(200);
        hold(filter, "DELETE", "/api/v1/namespaces/a/configmaps/x");
        assertThat(status(filter, "PATCH", "/api/v1/namespaces/a/configmaps/x", null)).isEqualTo(429);
        MockHttpServletResponse refused = run(filter, request("PUT", "/api/v1/namespaces/a/configmaps/x", null));
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("\"reason\":\"TooManyRequests\"")
                .contains("Too many requests, please try again later.");
    }

    @Test
    void longRunningRequestsAndProbesAreNotCounted() throws Exception {
        MaxInFlightFilter filter = filter(1, 1, r -> false);
        hold(filter, "GET", "/api/v1/namespaces/a/configmaps");
        hold(filter, "POST", "/api/v1/namespaces/a/configmaps");
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/configmaps", "true")).isEqualTo(200);
        assertThat(status(filter, "GET", "/api/v1/watch/namespaces/a/configmaps", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/pods/p/log", null)).isEqualTo(200);
        assertThat(status(filter, "POST", "/api/v1/namespaces/a/pods/p/exec", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/pods/p/portforward", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/readyz", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/livez/ping", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/healthz", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/version", null)).isEqualTo(429);
    }

    /** Nothing escapes a full limit by looking like a probe or a long-running request in its spelling. */
    @Test
    void requestsDressedAsProbesOrLongRunningOnesAreCounted() throws Exception {
        MaxInFlightFilter filter = filter(1, 1, r -> false);
        hold(filter, "GET", "/api/v1/namespaces/a/configmaps");
        hold(filter, "POST", "/api/v1/namespaces/a/configmaps");
        assertThat(status(filter, "GET", "/api/v1/namespaces/healthz/configmaps", null)).isEqualTo(429);
        assertThat(status(filter, "GET", "/api/v1/namespaces/readyz", null)).isEqualTo(429);
        assertThat(status(filter, "GET", "/apis/livez/v1/things", null)).isEqualTo(429);
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/configmaps/log", null)).isEqualTo(429);
        assertThat(status(filter, "POST", "/api/v1/namespaces/a/configmaps/exec", null)).isEqualTo(429);
        assertThat(status(filter, "GET", "/api/v1/namespaces/a/configmaps", "false")).isEqualTo(429);
    }

    @Test
    void privilegedUsersPassAFullLimitAndZeroMeansNoLimit() throws Exception {
        MaxInFlightFilter filter = filter(1, 0, r -> "admin".equals(r.getHeader("X-Test-User")));
        hold(filter, "GET", "/api/v1/namespaces/a/configmaps");
        MockHttpServletRequest admin = request("GET", "/api/v1/namespaces/a/configmaps", null);
        admin.addHeader("X-Test-User", "admin");
        assertThat(run(filter, admin).getStatus()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            hold(filter, "POST", "/api/v1/namespaces/a/configmaps");
        }
        assertThat(status(filter, "POST", "/api/v1/namespaces/a/configmaps", null)).isEqualTo(200);
    }

    private MaxInFlightFilter filter(int reads, int writes, Predicate<HttpServletRequest> privileged) {
        return new MaxInFlightFilter(reads, writes, privileged, new SimpleMeterRegistry());
    }

    /** Starts a request that stays in the chain until the test ends, and waits until it is inside. */
    private void hold(MaxInFlightFilter filter, String method, String path) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        threads.submit(() -> {
            FilterChain chain = (req, res) -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            filter.doFilter(request(method, path, null), new MockHttpServletResponse(), chain);
            return null;
        });
        assertThat(inside.await(5, TimeUnit.SECONDS)).as("held %s %s", method, path).isTrue();
    }

    private int status(MaxInFlightFilter filter, String method, String path, String watch) throws Exception {
        return run(filter, request(method, path, watch)).getStatus();
    }

    private static MockHttpServletResponse run(MaxInFlightFilter filter, MockHttpServletRequest req) throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        filter.doFilter(req, res, (rq, rs) -> { });
        return res;
    }

    private static MockHttpServletRequest request(String method, String path, String watch) {
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (watch != null) {
            req.setParameter("watch", watch);
        }
        req.setAttribute(RequestInfo.ATTRIBUTE, RequestInfoResolver.resolve(method, path, watch, null));
        return req;
    }
}

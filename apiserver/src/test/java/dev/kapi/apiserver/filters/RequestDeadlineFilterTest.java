package dev.kapi.apiserver.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import jakarta.servlet.FilterChain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * The request deadline (kube's WithRequestDeadline and timeout filter): which deadline a request gets, kube's 504
 * when the handler has not answered by then (its later writes and body reads fail), an answer already started
 * left alone, long-running requests never cut, and kube's 400 for a {@code timeout} that is no duration.
 */
class RequestDeadlineFilterTest {

    private static MockHttpServletRequest request(String method, String path, String query) {
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (query != null) {
            req.setQueryString(query);
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                req.addParameter(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        req.setAttribute(RequestInfo.ATTRIBUTE, RequestInfoResolver.resolve(method, path,
                req.getParameter("watch"), null));
        return req;
    }

    @ParameterizedTest(name = "timeout={0}, --request-timeout={1}: {2}")
    @CsvSource({"'', PT1M, PT1M", "5s, PT1M, PT5S", "2m, PT1M, PT1M", "0, PT1M, PT1M", "-1s, PT1M, PT1M",
            "500ms, PT1M, PT0.5S", "'', PT0S, PT0S", "10m, PT0S, PT10M"})
    void theDeadlineIsTheShorterOfTheRequestsAndTheServers(String parameter, Duration maximum, Duration expected) {
        assertThat(RequestDeadlineFilter.timeout(parameter, maximum)).isEqualTo(expected);
    }

    @Test
    void aTimeoutThatIsNoDurationIsKubes400() throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(
                request("GET", "/api/v1/namespaces/a/configmaps", "timeout=abc"), res,
                (rq, rs) -> { throw new AssertionError("the handler ran"); });
        assertThat(res.getStatus()).isEqualTo(400);
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("message").asString())
                .isEqualTo("invalid timeout specified in the request URL - time: invalid duration \"abc\"");
        assertThat(status.path("reason").asString()).isEqualTo("BadRequest");
    }

    @Test
    void aHandlerThatHasNotAnsweredByItsDeadlineGives504AndItsLaterWritesFail() throws Exception {
        MockHttpServletRequest req = request("POST", "/api/v1/namespaces/a/configmaps", "timeout=200ms");
        MockHttpServletResponse res = new MockHttpServletResponse();
        AtomicReference<Throwable> lateWrite = new AtomicReference<>();
        long start = System.nanoTime();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, (rq, rs) -> {
            sleep(1500);
            ((jakarta.servlet.http.HttpServletResponse) rs).setHeader("Location", "/somewhere");
            try {
                rs.getOutputStream().write("{\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lateWrite.set(e);
                throw e;
            }
        });
        assertThat(res.getStatus()).isEqualTo(504);
        assertThat(res.getHeader("Location")).isNull();
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo("Timeout");
        assertThat(status.path("code").asInt()).isEqualTo(504);
        assertThat(status.path("message").asString())
                .isEqualTo("Timeout: request did not complete within the allotted timeout");
        assertThat(lateWrite.get()).isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void theClientHasThe504AtItsDeadlineWhileTheHandlerStillRuns() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/a/configmaps/x", null);
        MockHttpServletResponse res = new MockHttpServletResponse();
        CountDownLatch release = new CountDownLatch(1);
        Thread handler = Thread.ofVirtual().start(() -> {
            try {
                new RequestDeadlineFilter(Duration.ofMillis(200)).doFilter(req, res, (rq, rs) -> await(release));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // the 504's status is set a moment before its body commits the response: wait for both
        while (!(res.getStatus() == 504 && res.isCommitted()) && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(res.getStatus()).isEqualTo(504);
        assertThat(res.isCommitted()).isTrue();
        assertThat(handler.isAlive()).isTrue();
        release.countDown();
        handler.join(5000);
    }

    @Test
    void aBodyReadAfterTheDeadlineFails() throws Exception {
        MockHttpServletRequest req = request("POST", "/api/v1/namespaces/a/configmaps", "timeout=100ms");
        req.setContent("{}".getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse res = new MockHttpServletResponse();
        AtomicReference<Throwable> read = new AtomicReference<>();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, (rq, rs) -> {
            sleep(800);
            try (InputStream in = rq.getInputStream()) {
                in.readAllBytes();
            } catch (IOException e) {
                read.set(e);
            }
        });
        assertThat(read.get()).isInstanceOf(IOException.class).hasMessageContaining("deadline");
        assertThat(res.getStatus()).isEqualTo(504);
    }

    @Test
    void anAnswerStartedBeforeTheDeadlineIsLeftToFinish() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/a/configmaps", "timeout=100ms");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, (rq, rs) -> {
            rs.setContentType("application/json");
            rs.getOutputStream().write("{\"items\":[".getBytes(StandardCharsets.UTF_8));
            sleep(600);
            rs.getOutputStream().write("]}".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentAsString()).isEqualTo("{\"items\":[]}");
    }

    @Test
    void aHandlerThatFinishesInTimeIsUntouched() throws Exception {
        MockHttpServletRequest req = request("DELETE", "/api/v1/namespaces/a/configmaps/x", "timeout=150ms");
        MockHttpServletResponse res = new MockHttpServletResponse();
        FilterChain handler = (rq, rs) -> ((jakarta.servlet.http.HttpServletResponse) rs).setStatus(204);
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, handler);
        sleep(400);
        assertThat(res.getStatus()).isEqualTo(204);
        assertThat(res.getContentAsByteArray()).isEmpty();
    }

    @Test
    void whatAHandlerWritesThroughItsWriterGoesOut() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/a/configmaps/x", "timeout=5s");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res,
                (rq, rs) -> rs.getWriter().write("{\"kind\":\"ConfigMap\"}"));
        assertThat(res.getContentAsString()).isEqualTo("{\"kind\":\"ConfigMap\"}");
    }

    @Test
    void aTimedOutRequestWithoutABodyKeepsItsConnection() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/a/configmaps/x", "timeout=100ms");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, (rq, rs) -> sleep(500));
        assertThat(res.getStatus()).isEqualTo(504);
        assertThat(res.getHeader("Connection")).isNull();
    }

    @Test
    void longRunningRequestsAreNeverCut() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/a/configmaps", "watch=true&timeout=100ms");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMillis(100)).doFilter(req, res, (rq, rs) -> {
            sleep(500);
            assertThat(rs).isSameAs(res);
            rs.getOutputStream().write('x');
        });
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentAsString()).isEqualTo("x");
    }

    @Test
    void aBodyIsReadThroughUntilTheDeadline() throws Exception {
        MockHttpServletRequest req = request("POST", "/api/v1/namespaces/a/configmaps", "timeout=5s");
        req.setContent("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse res = new MockHttpServletResponse();
        new RequestDeadlineFilter(Duration.ofMinutes(1)).doFilter(req, res, (rq, rs) -> {
            byte[] body = rq.getInputStream().readAllBytes();
            rs.getOutputStream().write(body);
        });
        assertThat(res.getContentAsString()).isEqualTo("{\"a\":1}");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

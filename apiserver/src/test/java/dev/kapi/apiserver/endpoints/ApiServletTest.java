package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API handler serves only a request that carries the authorization stage's decision for its own REQUEST
 * dispatch, and serves exactly the path that decision was about: whatever registration or container dispatch
 * brings a request here, nothing is read or written without it.
 */
class ApiServletTest {

    private final List<String> served = new ArrayList<>();
    private final ApiServlet servlet = new ApiServlet(null, List.of(new PathHandler() {
        @Override
        public boolean matches(String method, String path) {
            return true;
        }

        @Override
        public void handle(String path, HttpServletRequest request, HttpServletResponse response) {
            served.add(path);
            response.setStatus(200);
        }
    }));

    @Test
    void servesTheAuthorizedPath() throws Exception {
        MockHttpServletResponse res = send(request("/vers%69on/", DispatcherType.REQUEST, true));
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(served).containsExactly("/version");
    }

    @Test
    void refusesARequestWithoutADecision() throws Exception {
        MockHttpServletResponse res = send(request("/version", DispatcherType.REQUEST, false));
        assertRefused(res, 403);
    }

    @Test
    void refusesADecisionMadeForAnotherRequest() throws Exception {
        MockHttpServletRequest req = request("/version", DispatcherType.REQUEST, true);
        req.setRequestURI("/api/v1/namespaces");
        assertRefused(send(req), 403);
        MockHttpServletRequest otherMethod = request("/version", DispatcherType.REQUEST, true);
        otherMethod.setMethod("DELETE");
        assertRefused(send(otherMethod), 403);
        MockHttpServletRequest otherInfo = request("/version", DispatcherType.REQUEST, true);
        otherInfo.setAttribute(RequestInfo.ATTRIBUTE, RequestInfoResolver.resolve("GET", "/version", null, null));
        assertRefused(send(otherInfo), 403);
    }

    @ParameterizedTest
    @EnumSource(value = DispatcherType.class, names = "REQUEST", mode = EnumSource.Mode.EXCLUDE)
    void neverServesAReDispatchEvenOfAnAuthorizedRequest(DispatcherType type) throws Exception {
        MockHttpServletRequest req = request("/api/v1/namespaces", type, true);
        req.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 400);
        MockHttpServletResponse res = send(req);
        assertRefused(res, type == DispatcherType.ERROR ? 400 : 403);
    }

    private MockHttpServletResponse send(MockHttpServletRequest req) throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        servlet.service(req, res);
        return res;
    }

    private void assertRefused(MockHttpServletResponse res, int code) throws Exception {
        assertThat(served).isEmpty();
        assertThat(res.getStatus()).isEqualTo(code);
        assertThat(Json.MAPPER.readTree(res.getContentAsString()).path("kind").asString()).isEqualTo("Status");
    }

    private static MockHttpServletRequest request(String uri, DispatcherType type, boolean authorized) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", uri);
        req.setDispatcherType(type);
        RequestInfo info = RequestInfoResolver.resolve("GET", uri, null, null);
        req.setAttribute(RequestInfo.ATTRIBUTE, info);
        if (authorized) {
            req.setAttribute(AuthorizedRequest.ATTRIBUTE, new AuthorizedRequest(UserInfo.anonymous(), info, "GET", uri));
        }
        return req;
    }
}

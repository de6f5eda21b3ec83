package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.endpoints.ApiServlet;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.reviews.ReviewResources;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sends requests through the real {@link ApiServlet} and {@link ResourceDispatcher} to the review handlers,
 * with a registry of the review resources only (nothing is stored, so no storage is needed).
 */
final class ReviewClient {

    static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

    private final ApiServlet servlet;
    private final UserInfo requester;

    ReviewClient(Authorizer authorizer, Supplier<RuleResolver> resolver, List<TokenAuthenticator> tokens,
                 UserInfo requester) {
        this(authorizer, resolver, tokens, List.of(), requester);
    }

    ReviewClient(Authorizer authorizer, Supplier<RuleResolver> resolver, List<TokenAuthenticator> tokens,
                 List<String> apiAudiences, UserInfo requester) {
        ResourceRegistry registry = new ResourceRegistry(ReviewResources.all());
        StoreRegistry stores = new StoreRegistry(registry, null, "/registry");
        ReviewHandlers reviews = new ReviewHandlers(authorizer, resolver, tokens, apiAudiences,
                Clock.fixed(NOW, ZoneOffset.UTC));
        this.servlet = new ApiServlet(new ResourceDispatcher(stores, new WritePipeline(AdmissionChain.empty()),
                reviews.byResource(), null, null),
                List.of());
        this.requester = requester;
    }

    /** The answer: status code and JSON body. */
    record Answer(int code, JsonNode body, List<String> warnings) {
        String text(String pointer) {
            return body.at(pointer).asString();
        }
    }

    Answer post(String path, String json, String... params) throws Exception {
        return send("POST", path, json, params);
    }

    Answer send(String method, String path, String json, String... params) throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        req.setRequestURI(path);

        if (json != null) {
            req.setContentType("application/json");
            req.setContent(json.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i + 1 < params.length; i += 2) {
            req.addParameter(params[i], params[i + 1]);
        }
        // what the authentication and authorization stages leave on a request they allowed
        RequestInfo info = RequestInfoResolver.resolve(method, path, req.getParameter("watch"), null);
        req.setAttribute(RequestInfo.ATTRIBUTE, info);
        req.setAttribute(UserInfo.ATTRIBUTE, requester);
        req.setAttribute(AuthorizedRequest.ATTRIBUTE, new AuthorizedRequest(requester, info, method, path));
        MockHttpServletResponse res = new MockHttpServletResponse();
        servlet.service(req, res);
        byte[] body = res.getContentAsByteArray();
        return new Answer(res.getStatus(), body.length == 0 ? null : Json.MAPPER.readTree(body),
                res.getHeaders("Warning"));
    }
}

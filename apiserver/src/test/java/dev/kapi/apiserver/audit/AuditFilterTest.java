package dev.kapi.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import dev.kapi.apiserver.authn.UnauthorizedEntryPoint;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.BadCredentialsException;
import tools.jackson.databind.JsonNode;

/**
 * The audit stage around a request, with a sink that keeps the events as JSON: which stages are written, the
 * event's fields by kube's names and in kube's order, bodies by level, and the Audit-Id header.
 */
class AuditFilterTest {

    private static final UserInfo ALICE = new UserInfo("alice", "42", List.of("dev", "system:authenticated"),
            Map.of("scopes", List.of("a", "b")));
    private static final String SECRET_VALUE = "c3VwZXJzZWNyZXQ="; // base64 of "supersecret"
    private static final String SECRET = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\","
            + "\"managedFields\":[{\"manager\":\"kubectl\"}]},\"data\":{\"password\":\"" + SECRET_VALUE + "\"}}";

    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private final AuditSink sink = e -> events.add(Json.tree(e.toJson()));

    /** A policy recording everything at {@code level} (nobody's requests aside), managedFields omitted. */
    private Auditor at(String level) {
        return auditor("omitManagedFields: true\nrules:\n- level: None\n  users: [nobody]\n- level: " + level + "\n");
    }

    private Auditor auditor(String policyBody) {
        Policy p = PolicyFile.parse(("apiVersion: audit.k8s.io/v1\nkind: Policy\n" + policyBody)
                .getBytes(StandardCharsets.UTF_8));
        return new Auditor(p, sink, false);
    }

    private static MockHttpServletRequest request(String method, String uri, UserInfo user) {
        MockHttpServletRequest req = new MockHttpServletRequest(method, uri);
        int q = uri.indexOf('?');
        if (q >= 0) {
            req.setRequestURI(uri.substring(0, q));
            req.setQueryString(uri.substring(q + 1));
            for (String pair : uri.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                req.addParameter(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        req.setRemoteAddr("10.0.0.7");
        req.addHeader("User-Agent", "kubectl/v1.32.0 (linux/amd64) kubernetes/abc");
        RequestInfo info = RequestInfoResolver.resolve(method, req.getRequestURI(), req.getParameter("watch"), null);
        req.setAttribute(RequestInfo.ATTRIBUTE, info);
        if (user != null) {
            req.setAttribute(UserInfo.ATTRIBUTE, user);
        }
        return req;
    }

    private static List<String> fieldNames(JsonNode n) {
        return new ArrayList<>(n.propertyNames());
    }

    @Test
    void aReadIsRecordedWhenReceivedAndWhenCompleteWithKubesFieldsInKubesOrder() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/pods?limit=500", ALICE);
        req.addHeader("X-Forwarded-For", "192.0.2.1, not-an-ip, 2001:db8:0:0:0:0:0:1");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new AuditFilter(at("Metadata")).doFilter(req, res, (rq, rs) -> {
            AuditContext.of(rq).annotate("authorization.k8s.io/decision", "allow");
            AuditContext.of(rq).annotate("authorization.k8s.io/reason", "");
            ((MockHttpServletResponse) rs).setStatus(200);
        });

        assertThat(events).extracting(e -> e.path("stage").asString()).containsExactly("RequestReceived", "ResponseComplete");
        JsonNode done = events.get(1);
        assertThat(fieldNames(done)).containsExactly("kind", "apiVersion", "level", "auditID", "stage", "requestURI",
                "verb", "user", "sourceIPs", "userAgent", "objectRef", "responseStatus", "requestReceivedTimestamp",
                "stageTimestamp", "annotations");
        assertThat(done.path("kind").asString()).isEqualTo("Event");
        assertThat(done.path("apiVersion").asString()).isEqualTo("audit.k8s.io/v1");
        assertThat(done.path("level").asString()).isEqualTo("Metadata");
        assertThat(done.path("auditID").asString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
                .isEqualTo(res.getHeader("Audit-Id")).isEqualTo(events.get(0).path("auditID").asString());
        assertThat(done.path("requestURI").asString()).isEqualTo("/api/v1/namespaces/default/pods?limit=500");
        assertThat(done.path("verb").asString()).isEqualTo("list");
        assertThat(done.path("user").toString()).isEqualTo("{\"username\":\"alice\",\"uid\":\"42\",\"groups\":[\"dev\","
                + "\"system:authenticated\"],\"extra\":{\"scopes\":[\"a\",\"b\"]}}");
        assertThat(done.path("sourceIPs").toString()).isEqualTo("[\"192.0.2.1\",\"2001:db8::1\",\"10.0.0.7\"]");
        assertThat(done.path("userAgent").asString()).isEqualTo("kubectl/v1.32.0 (linux/amd64) kubernetes/abc");
        assertThat(done.path("objectRef").toString()).isEqualTo("{\"resource\":\"pods\",\"namespace\":\"default\","
                + "\"apiVersion\":\"v1\"}");
        assertThat(done.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"code\":200}");
        assertThat(done.path("requestReceivedTimestamp").asString())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z")
                .isEqualTo(events.get(0).path("stageTimestamp").asString());
        assertThat(done.path("stageTimestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(done.path("annotations").toString())
                .isEqualTo("{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}");
        assertThat(events.get(0).has("responseStatus")).isFalse();
    }

    @Test
    void theClientsAuditIdIsKeptAndEveryRequestGetsAnAuditIdEvenWhenNothingIsAudited() throws Exception {
        MockHttpServletRequest req = request("GET", "/api", ALICE);
        req.addHeader("Audit-ID", "my-id");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new AuditFilter(at("Metadata")).doFilter(req, res, (rq, rs) -> { });
        assertThat(res.getHeader("Audit-Id")).isEqualTo("my-id");
        assertThat(events).extracting(e -> e.path("auditID").asString()).containsOnly("my-id");

        events.clear();
        MockHttpServletResponse off = new MockHttpServletResponse();
        new AuditFilter(Auditor.DISABLED).doFilter(request("GET", "/api", ALICE), off, (rq, rs) -> { });
        assertThat(off.getHeader("Audit-Id")).isNotEmpty();
        assertThat(events).isEmpty();
    }

    /** A Secret written and read at each level: its data only ever in requestObject (Request+) and responseObject. */
    @Test
    void bodiesAreRecordedOnlyAtTheirLevelsAndASecretsDataNeverBelowThem() throws Exception {
        for (String level : List.of("Metadata", "Request", "RequestResponse")) {
            events.clear();
            MockHttpServletRequest create = request("POST", "/api/v1/namespaces/default/secrets", ALICE);
            new AuditFilter(at(level)).doFilter(create, new MockHttpServletResponse(), handler(201));
            MockHttpServletRequest get = request("GET", "/api/v1/namespaces/default/secrets/s", ALICE);
            new AuditFilter(at(level)).doFilter(get, new MockHttpServletResponse(), handler(200));

            JsonNode created = events.get(1);
            JsonNode read = events.get(3);
            assertThat(created.path("objectRef").toString()).as(level).isEqualTo("{\"resource\":\"secrets\","
                    + "\"namespace\":\"default\",\"name\":\"s\",\"uid\":\"u-1\",\"apiVersion\":\"v1\",\"resourceVersion\":\"7\"}");
            assertThat(created.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"code\":201}");
            if (level.equals("Metadata")) {
                assertThat(events.toString()).as(level).doesNotContain(SECRET_VALUE).doesNotContain("password");
                assertThat(created.has("requestObject")).isFalse();
            } else {
                assertThat(created.path("requestObject").path("data").path("password").asString()).isEqualTo(SECRET_VALUE);
                assertThat(created.path("requestObject").path("metadata").has("managedFields"))
                        .as("omitManagedFields").isFalse();
                assertThat(read.has("requestObject")).isFalse();
            }
            if (level.equals("RequestResponse")) {
                assertThat(read.path("responseObject").path("data").path("password").asString()).isEqualTo(SECRET_VALUE);
                assertThat(read.path("responseObject").path("metadata").has("managedFields")).isFalse();
                assertThat(fieldNames(created)).containsSubsequence("objectRef", "responseStatus", "requestObject",
                        "responseObject", "requestReceivedTimestamp");
            } else {
                assertThat(read.has("responseObject")).as(level).isFalse();
                assertThat(created.has("responseObject")).as(level).isFalse();
            }
        }
    }

    /** A handler that reads the Secret body (create) or answers with the Secret (get), as the real ones do. */
    private static FilterChain handler(int code) {
        return (rq, rs) -> {
            String stored = SECRET.replace("\"name\":\"s\",", "\"name\":\"s\",\"uid\":\"u-1\",\"resourceVersion\":\"7\",");
            if (((MockHttpServletRequest) rq).getMethod().equals("POST")) {
                AuditContext.of(rq).requestBody(stored.getBytes(StandardCharsets.UTF_8), "application/json");
            }
            AuditContext.of(rq).responseObject(() -> Json.MAPPER.readTree(stored));
            ((MockHttpServletResponse) rs).setStatus(code);
        };
    }

    @Test
    void aDeniedRequestIsRecordedWithTheForbiddenStatus() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/secrets/s", ALICE);
        new AuditFilter(at("Metadata")).doFilter(req, new MockHttpServletResponse(), (rq, rs) -> {
            AuditContext.of(rq).annotate("authorization.k8s.io/decision", "forbid");
            StatusResponses.write((MockHttpServletRequest) rq, (MockHttpServletResponse) rs,
                    StatusError.forbidden(new dev.kapi.apiserver.api.GroupResource("", "secrets"), "s",
                            "User \"alice\" cannot get resource \"secrets\"").status());
        });
        JsonNode done = events.getLast();
        assertThat(done.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"secrets \\\"s\\\" is forbidden: User \\\"alice\\\" cannot get resource \\\"secrets\\\"\","
                + "\"reason\":\"Forbidden\",\"details\":{\"kind\":\"secrets\",\"name\":\"s\"},\"code\":403}");
        assertThat(done.path("annotations").path("authorization.k8s.io/decision").asString()).isEqualTo("forbid");
    }

    @Test
    void aWatchIsRecordedWhenItsAnswerStartsAndWhenTheStreamEnds() throws Exception {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/configmaps?watch=true", ALICE);
        req.setAsyncSupported(true);
        MockHttpServletResponse res = new MockHttpServletResponse();
        new AuditFilter(at("Metadata")).doFilter(req, res, (rq, rs) -> {
            ((MockHttpServletResponse) rs).setStatus(200);
            rq.startAsync();
        });
        assertThat(events).extracting(e -> e.path("stage").asString()).containsExactly("RequestReceived", "ResponseStarted");
        assertThat(events.get(1).path("verb").asString()).isEqualTo("watch");
        assertThat(events.get(1).path("responseStatus").path("code").asInt()).isEqualTo(200);
        req.getAsyncContext().complete();
        assertThat(events).extracting(e -> e.path("stage").asString())
                .containsExactly("RequestReceived", "ResponseStarted", "ResponseComplete");
    }

    @Test
    void omittedStagesAreNotWritten() throws Exception {
        Auditor a = auditor("omitStages: [RequestReceived]\nrules:\n- level: Metadata\n  omitStages: [ResponseStarted]\n");
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/pods/p/log", ALICE);
        new AuditFilter(a).doFilter(req, new MockHttpServletResponse(), (rq, rs) -> { });
        assertThat(events).extracting(e -> e.path("stage").asString()).containsExactly("ResponseComplete");
    }

    @Test
    void anUnexpectedFailureIsRecordedAtPanic() {
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/pods", ALICE);
        assertThatThrownBy(() -> new AuditFilter(at("Metadata")).doFilter(req, new MockHttpServletResponse(),
                (rq, rs) -> {
                    throw new IllegalStateException("boom");
                })).hasMessage("boom");
        assertThat(events.getLast().path("stage").asString()).isEqualTo("Panic");
        assertThat(events.getLast().path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"APIServer panic'd: boom\",\"reason\":\"InternalError\",\"code\":500}");
    }

    @Test
    void aFailedAuthenticationIsOneResponseStartedEventWithoutAUser() throws Exception {
        Auditor a = auditor("rules:\n- level: None\n  userGroups: [system:unauthenticated]\n- level: Metadata\n");
        MockHttpServletRequest req = request("GET", "/api/v1/namespaces/default/pods", null);
        req.addHeader("Authorization", "Bearer nope");
        MockHttpServletResponse res = new MockHttpServletResponse();
        new FailedAuthenticationAudit(new UnauthorizedEntryPoint(), a).commence(req, res, new BadCredentialsException("x"));
        assertThat(res.getStatus()).isEqualTo(401);
        assertThat(events).hasSize(1);
        JsonNode e = events.getFirst();
        assertThat(e.path("stage").asString()).isEqualTo("ResponseStarted");
        assertThat(e.path("user").toString()).isEqualTo("{}");
        assertThat(e.path("verb").asString()).isEqualTo("list");
        assertThat(e.path("auditID").asString()).isEqualTo(res.getHeader("Audit-Id"));
        assertThat(e.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
        assertThat(FailedAuthenticationAudit.attemptedMethods(req)).isEqualTo("Authentication failed, attempted: bearer");
    }

    @Test
    void blockingStrictRefusesARequestWhoseEventCannotBeStoredAndBlockingServesIt() throws Exception {
        Policy p = PolicyFile.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n"
                .getBytes(StandardCharsets.UTF_8));
        boolean[] served = {false};
        MockHttpServletResponse strict = new MockHttpServletResponse();
        new AuditFilter(new Auditor(p, e -> false, true)).doFilter(request("GET", "/api", ALICE), strict,
                (rq, rs) -> served[0] = true);
        assertThat(served[0]).isFalse();
        assertThat(strict.getStatus()).isEqualTo(500);
        assertThat(strict.getContentAsString()).contains("failed to store audit event");

        MockHttpServletResponse blocking = new MockHttpServletResponse();
        new AuditFilter(new Auditor(p, e -> false, false)).doFilter(request("GET", "/api", ALICE), blocking,
                (rq, rs) -> served[0] = true);
        assertThat(served[0]).isTrue();
        assertThat(blocking.getStatus()).isEqualTo(200);
    }
}

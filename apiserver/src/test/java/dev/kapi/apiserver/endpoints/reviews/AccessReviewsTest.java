package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.AuthorizationSelectors;
import dev.kapi.apiserver.authz.AuthorizationSelectors.Requirement;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** SelfSubjectAccessReview, SubjectAccessReview and LocalSubjectAccessReview through the dispatcher. */
class AccessReviewsTest {

    static final UserInfo REQUESTER = new UserInfo("jane", "u-1", List.of("devs", "system:authenticated"),
            Map.of("scopes", List.of("a")));
    static final String AUTHZ = "/apis/authorization.k8s.io/v1/";

    /** An authorizer that answers one decision and remembers what it was asked. */
    static final class FakeAuthorizer implements Authorizer {
        final Decision decision;
        final List<AuthorizationAttributes> asked = new ArrayList<>();

        FakeAuthorizer(Decision decision) {
            this.decision = decision;
        }

        @Override
        public Decision authorize(AuthorizationAttributes attributes) {
            asked.add(attributes);
            return decision;
        }
    }

    record Case(String name, String path, String body, Decision decision, String status,
                AuthorizationAttributes asked) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> reviews() {
        UserInfo alice = new UserInfo("alice", "a-1", List.of("team"), Map.of("k", List.of("v")));
        UserInfo groupOnly = new UserInfo("", "", List.of("ops"), Map.of());
        return Stream.of(
                new Case("self, resource, allowed", AUTHZ + "selfsubjectaccessreviews",
                        """
                        {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
                         "spec":{"resourceAttributes":{"namespace":"ns1","verb":"get","resource":"pods"}}}""",
                        Decision.allow("granted by X"), """
                        {"allowed":true,"reason":"granted by X"}""",
                        new AuthorizationAttributes(REQUESTER, "get", true, "", "*", "pods", "", "ns1", "", "")),
                new Case("self, every resource attribute, denied", AUTHZ + "selfsubjectaccessreviews",
                        """
                        {"spec":{"resourceAttributes":{"namespace":"ns1","verb":"update","group":"apps",
                          "version":"v1","resource":"deployments","subresource":"scale","name":"web"}}}""",
                        Decision.deny("no way"), """
                        {"allowed":false,"denied":true,"reason":"no way"}""",
                        new AuthorizationAttributes(REQUESTER, "update", true, "apps", "v1", "deployments", "scale",
                                "ns1", "web", "")),
                new Case("self, non-resource, no opinion", AUTHZ + "selfsubjectaccessreviews",
                        """
                        {"metadata":{"generation":0,"labels":{}},
                         "spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}""",
                        Decision.noOpinion(""), """
                        {"allowed":false}""",
                        new AuthorizationAttributes(REQUESTER, "get", false, "", "", "", "", "", "", "/healthz")),
                new Case("subject, user with uid, groups and extra", AUTHZ + "subjectaccessreviews",
                        """
                        {"spec":{"user":"alice","uid":"a-1","groups":["team"],"extra":{"k":["v"]},
                          "resourceAttributes":{"verb":"list","resource":"secrets"}}}""",
                        Decision.allow(""), """
                        {"allowed":true}""",
                        new AuthorizationAttributes(alice, "list", true, "", "*", "secrets", "", "", "", "")),
                new Case("subject, group only, non-resource", AUTHZ + "subjectaccessreviews",
                        """
                        {"spec":{"groups":["ops"],"nonResourceAttributes":{"path":"/metrics","verb":"get"}}}""",
                        Decision.deny(""), """
                        {"allowed":false,"denied":true}""",
                        new AuthorizationAttributes(groupOnly, "get", false, "", "", "", "", "", "", "/metrics")),
                new Case("subject, selectors as text and requirements", AUTHZ + "subjectaccessreviews",
                        """
                        {"spec":{"user":"alice","uid":"a-1","groups":["team"],"extra":{"k":["v"]},
                          "resourceAttributes":{"verb":"list","resource":"pods",
                           "fieldSelector":{"rawSelector":"spec.nodeName=n1"},
                           "labelSelector":{"requirements":[{"key":"app","operator":"In","values":["b","a"]},
                             {"key":"old","operator":"DoesNotExist"}]}}}}""",
                        Decision.allow(""), """
                        {"allowed":true}""",
                        new AuthorizationAttributes(alice, "list", true, "", "*", "pods", "", "", "", "",
                                new AuthorizationSelectors(
                                        List.of(new Requirement("spec.nodeName", "In", List.of("n1"))),
                                        List.of(new Requirement("app", "In", List.of("b", "a")),
                                                new Requirement("old", "DoesNotExist", List.of()))))),
                new Case("self, selectors partly unreadable", AUTHZ + "selfsubjectaccessreviews",
                        """
                        {"spec":{"resourceAttributes":{"verb":"list","resource":"pods",
                           "fieldSelector":{"requirements":[{"key":"a","operator":"In","values":["1"]},
                             {"key":"b","operator":"In","values":["1","2"]},{"key":"c","operator":"Exists"},
                             {"key":"d","operator":"Matches","values":["x"]}]},
                           "labelSelector":{"rawSelector":"app in ("}}}}""",
                        new Decision(Decision.Kind.NO_OPINION, "", "webhook down"), """
                        {"allowed":false,"evaluationError":"webhook down; spec.resourceAttributes.fieldSelector partially ignored due to parse error; spec.resourceAttributes.labelSelector ignored due to parse error"}""",
                        new AuthorizationAttributes(REQUESTER, "list", true, "", "*", "pods", "", "", "", "",
                                new AuthorizationSelectors(List.of(new Requirement("a", "In", List.of("1"))),
                                        List.of()))),
                new Case("local, in the URL's namespace", AUTHZ + "namespaces/ns1/localsubjectaccessreviews",
                        """
                        {"spec":{"user":"alice","uid":"a-1","groups":["team"],"extra":{"k":["v"]},
                          "resourceAttributes":{"namespace":"ns1","verb":"delete","resource":"pods"}}}""",
                        Decision.allow("ok"), """
                        {"allowed":true,"reason":"ok"}""",
                        new AuthorizationAttributes(alice, "delete", true, "", "*", "pods", "", "ns1", "", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reviews")
    void answersWithTheAuthorizersDecision(Case c) throws Exception {
        FakeAuthorizer authorizer = new FakeAuthorizer(c.decision());
        ReviewClient client = new ReviewClient(authorizer, () -> null, List.of(), REQUESTER);

        ReviewClient.Answer a = client.post(c.path(), c.body());

        assertThat(a.code()).as(a.body().toString()).isEqualTo(201);
        assertThat(a.body().get("status")).isEqualTo(Json.MAPPER.readTree(c.status()));
        assertThat(authorizer.asked).containsExactly(c.asked());
        assertThat(a.body().get("spec")).isEqualTo(Json.MAPPER.readTree(c.body()).get("spec"));
        assertThat(a.body().get("metadata").has("creationTimestamp")).isTrue();
        assertThat(a.body().get("metadata").get("creationTimestamp").isNull()).isTrue();
        assertThat(a.body().get("metadata").propertyNames()).containsAnyOf("creationTimestamp", "namespace")
                .hasSize(c.path().contains("/namespaces/") ? 2 : 1);
    }

    @Test
    void echoesTheRequestAsKubeDoes() throws Exception {
        ReviewClient client = new ReviewClient(new FakeAuthorizer(Decision.allow("")), () -> null, List.of(),
                REQUESTER);

        ReviewClient.Answer a = client.post(AUTHZ + "namespaces/ns1/localsubjectaccessreviews", """
                {"spec":{"user":"bob","resourceAttributes":{"namespace":"ns1","verb":"get","resource":"pods"}}}""",
                "dryRun", "All");

        assertThat(a.code()).isEqualTo(201);
        assertThat(a.body()).isEqualTo(Json.MAPPER.readTree("""
                {"kind":"LocalSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
                 "metadata":{"namespace":"ns1","creationTimestamp":null},
                 "spec":{"resourceAttributes":{"namespace":"ns1","verb":"get","resource":"pods"},"user":"bob"},
                 "status":{"allowed":true}}"""));
        assertThat(a.body().propertyNames()).containsExactly("kind", "apiVersion", "metadata", "spec", "status");
    }

    @Test
    void unknownFieldsAreDroppedWithAWarning() throws Exception {
        ReviewClient client = new ReviewClient(new FakeAuthorizer(Decision.allow("")), () -> null, List.of(),
                REQUESTER);

        ReviewClient.Answer a = client.post(AUTHZ + "selfsubjectaccessreviews", """
                {"spec":{"bogus":1,"nonResourceAttributes":{"path":"/","verb":"get"}}}""");

        assertThat(a.code()).isEqualTo(201);
        assertThat(a.body().get("spec").has("bogus")).isFalse();
        assertThat(a.warnings()).containsExactly("299 - \"unknown field \\\"spec.bogus\\\"\"");
    }
}

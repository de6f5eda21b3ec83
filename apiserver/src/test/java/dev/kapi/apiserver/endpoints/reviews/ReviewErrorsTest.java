package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.authz.Decision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.endpoints.reviews.AccessReviewsTest.AUTHZ;
import static org.assertj.core.api.Assertions.assertThat;

/** What the review APIs refuse: invalid specs (422 with field causes), bad requests (400), other verbs (405). */
class ReviewErrorsTest {

    private static final String AUTHN = "/apis/authentication.k8s.io/v1/";
    private static final String INVALID = ".authorization.k8s.io \"\" is invalid: ";

    record Case(String name, String method, String path, String body, int code, String reason, String message,
                List<String> causeFields, String[] params) {
        Case(String name, String method, String path, String body, int code, String reason, String message,
             List<String> causeFields) {
            this(name, method, path, body, code, reason, message, causeFields, new String[0]);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> refusals() {
        return Stream.of(
                new Case("subject review without attributes or subject", "POST", AUTHZ + "subjectaccessreviews",
                        "{\"spec\":{}}", 422, "Invalid", INVALID + "[spec.resourceAttributes: Invalid value: "
                        + "\"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified, "
                        + "spec.user: Invalid value: \"\": at least one of user or group must be specified]",
                        List.of("spec.resourceAttributes", "spec.user")),
                new Case("subject review with both attributes", "POST", AUTHZ + "subjectaccessreviews", """
                        {"spec":{"user":"a","resourceAttributes":{"verb":"get"},
                          "nonResourceAttributes":{"path":"/x","verb":"get"}}}""", 422, "Invalid",
                        INVALID + "spec.nonResourceAttributes: Invalid value: {\"path\":\"/x\",\"verb\":\"get\"}: "
                                + "cannot be specified in combination with resourceAttributes",
                        List.of("spec.nonResourceAttributes")),
                new Case("self review without attributes", "POST", AUTHZ + "selfsubjectaccessreviews",
                        "{}", 422, "Invalid", INVALID + "spec.resourceAttributes: Invalid value: \"null\": "
                        + "exactly one of nonResourceAttributes or resourceAttributes must be specified",
                        List.of("spec.resourceAttributes")),
                new Case("self review with a name", "POST", AUTHZ + "selfsubjectaccessreviews", """
                        {"metadata":{"name":"x"},"spec":{"nonResourceAttributes":{"path":"/","verb":"get"}}}""",
                        422, "Invalid", INVALID + "metadata: Invalid value: {\"creationTimestamp\":null,\"name\":\"x\"}: "
                        + "must be empty",
                        List.of("metadata")),
                new Case("self review with an empty label selector", "POST", AUTHZ + "selfsubjectaccessreviews", """
                        {"spec":{"resourceAttributes":{"verb":"list","resource":"pods","labelSelector":{}}}}""",
                        422, "Invalid", INVALID + "spec.resourceAttributes.labelSelector.requirements: Required value: "
                        + "when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is "
                        + "required", List.of("spec.resourceAttributes.labelSelector.requirements")),
                new Case("subject review with both a raw field selector and requirements", "POST",
                        AUTHZ + "subjectaccessreviews", """
                        {"spec":{"user":"a","resourceAttributes":{"verb":"list","fieldSelector":{"rawSelector":"foo",
                          "requirements":[{"key":"k","operator":"In","values":["v"]}]}}}}""",
                        422, "Invalid", INVALID + "spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "
                        + "\"foo\": may not specified at the same time as requirements",
                        List.of("spec.resourceAttributes.fieldSelector.rawSelector")),
                new Case("local review with selector requirements kube refuses", "POST",
                        AUTHZ + "namespaces/ns1/localsubjectaccessreviews", """
                        {"spec":{"user":"a","resourceAttributes":{"namespace":"ns1","verb":"list",
                          "fieldSelector":{"requirements":[{"operator":"In"},{"key":"k","operator":"Exists","values":["v"]},
                            {"key":"k","operator":"Someday"}]},
                          "labelSelector":{"requirements":[{"key":"","operator":"NotIn","values":["ok"]}]}}}}""",
                        422, "Invalid", INVALID + "[spec.resourceAttributes.fieldSelector.requirements[0].key: "
                        + "Required value: must be specified, spec.resourceAttributes.fieldSelector.requirements[0]"
                        + ".values: Required value: must be specified when `operator` is 'In' or 'NotIn', "
                        + "spec.resourceAttributes.fieldSelector.requirements[1].values: Forbidden: may not be "
                        + "specified when `operator` is 'Exists' or 'DoesNotExist', "
                        + "spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: \"\": "
                        + "name part must be non-empty, spec.resourceAttributes.labelSelector.requirements[0].key: "
                        + "Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                        + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]",
                        List.of("spec.resourceAttributes.fieldSelector.requirements[0].key",
                                "spec.resourceAttributes.fieldSelector.requirements[0].values",
                                "spec.resourceAttributes.fieldSelector.requirements[1].values",
                                "spec.resourceAttributes.labelSelector.requirements[0].key",
                                "spec.resourceAttributes.labelSelector.requirements[0].key")),
                new Case("local review for another namespace", "POST",
                        AUTHZ + "namespaces/ns1/localsubjectaccessreviews", """
                        {"spec":{"user":"a","resourceAttributes":{"namespace":"ns2","verb":"get"}}}""",
                        422, "Invalid", INVALID + "spec.resourceAttributes.namespace: Invalid value: \"ns2\": "
                        + "must match metadata.namespace", List.of("spec.resourceAttributes.namespace")),
                new Case("local review with no namespace in its attributes", "POST",
                        AUTHZ + "namespaces/ns1/localsubjectaccessreviews", """
                        {"spec":{"user":"a","resourceAttributes":{"verb":"get"}}}""",
                        422, "Invalid", INVALID + "spec.resourceAttributes.namespace: Invalid value: \"\": "
                        + "must match metadata.namespace", List.of("spec.resourceAttributes.namespace")),
                new Case("local review of a non-resource", "POST", AUTHZ + "namespaces/ns1/localsubjectaccessreviews",
                        """
                        {"spec":{"user":"a","nonResourceAttributes":{"path":"/x","verb":"get"}}}""",
                        422, "Invalid", INVALID + "spec.nonResourceAttributes: Invalid value: "
                        + "{\"path\":\"/x\",\"verb\":\"get\"}: disallowed on this kind of request",
                        List.of("spec.nonResourceAttributes")),
                new Case("local review whose body names another namespace", "POST",
                        AUTHZ + "namespaces/ns1/localsubjectaccessreviews", """
                        {"metadata":{"namespace":"ns2"},"spec":{"user":"a","resourceAttributes":{"namespace":"ns1"}}}""",
                        400, "BadRequest", "the namespace of the provided object does not match the namespace sent on "
                        + "the request", List.of()),
                new Case("local review without a namespace", "POST", AUTHZ + "localsubjectaccessreviews",
                        "{}", 404, "NotFound", "the server could not find the requested resource", List.of()),
                new Case("rules review without a namespace", "POST", AUTHZ + "selfsubjectrulesreviews",
                        "{\"spec\":{}}", 400, "BadRequest", "no namespace on request", List.of()),
                new Case("token review without a token", "POST", AUTHN + "tokenreviews",
                        "{\"spec\":{\"audiences\":[\"x\"]}}", 400, "BadRequest",
                        "token is required for TokenReview in authentication", List.of()),
                new Case("a body of another kind", "POST", AUTHN + "tokenreviews",
                        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}", 400,
                        "BadRequest", "the kind in the data (SelfSubjectReview) does not match the expected kind "
                        + "(TokenReview)", List.of()),
                new Case("an unknown dry run", "POST", AUTHN + "selfsubjectreviews", "{}", 422, "Invalid",
                        "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: "
                        + "supported values: \"All\"", List.of("dryRun"),
                        new String[]{"dryRun", "Some"}),
                new Case("list", "GET", AUTHZ + "subjectaccessreviews", null, 405, "MethodNotAllowed",
                        "list is not supported on resources of kind \"subjectaccessreviews.authorization.k8s.io\"",
                        List.of()),
                new Case("list in a namespace", "GET", AUTHZ + "namespaces/ns1/localsubjectaccessreviews", null,
                        405, "MethodNotAllowed", "list is not supported on resources of kind "
                        + "\"localsubjectaccessreviews.authorization.k8s.io\"", List.of()),
                new Case("watch", "GET", AUTHN + "tokenreviews", null, 405, "MethodNotAllowed",
                        "watch is not supported on resources of kind \"tokenreviews.authentication.k8s.io\"",
                        List.of(), new String[]{"watch", "true"}),
                new Case("get", "GET", AUTHN + "selfsubjectreviews/me", null, 405, "MethodNotAllowed",
                        "get is not supported on resources of kind \"selfsubjectreviews.authentication.k8s.io\"",
                        List.of()),
                new Case("delete", "DELETE", AUTHZ + "selfsubjectrulesreviews/x", null, 405, "MethodNotAllowed",
                        "delete is not supported on resources of kind "
                        + "\"selfsubjectrulesreviews.authorization.k8s.io\"", List.of()),
                new Case("update", "PUT", AUTHZ + "selfsubjectaccessreviews/x", "{}", 405, "MethodNotAllowed",
                        "update is not supported on resources of kind "
                        + "\"selfsubjectaccessreviews.authorization.k8s.io\"", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refuses(Case c) throws Exception {
        AccessReviewsTest.FakeAuthorizer authorizer = new AccessReviewsTest.FakeAuthorizer(Decision.allow(""));
        ReviewClient client = new ReviewClient(authorizer, () -> null, List.of(), AccessReviewsTest.REQUESTER);

        ReviewClient.Answer a = client.send(c.method(), c.path(), c.body(), c.params());

        assertThat(a.code()).as(String.valueOf(a.body())).isEqualTo(c.code());
        assertThat(a.text("/kind")).isEqualTo("Status");
        assertThat(a.text("/reason")).isEqualTo(c.reason());
        assertThat(a.text("/message")).isEqualTo(c.message());
        assertThat(a.body().at("/details/causes").valueStream().map(n -> n.get("field").asString()).toList())
                .isEqualTo(c.causeFields());
        if (c.code() == 422 && c.message().startsWith("CreateOptions")) { // the query's options, as kube's
            assertThat(a.text("/details/group")).isEqualTo("meta.k8s.io");
            assertThat(a.text("/details/kind")).isEqualTo("CreateOptions");
            assertThat(a.body().at("/details/causes/0/reason").asString()).isEqualTo("FieldValueNotSupported");
        } else if (c.code() == 422) {
            assertThat(a.text("/details/group")).isEqualTo("authorization.k8s.io");
            assertThat(a.body().at("/details").has("kind")).isFalse();
            String first = c.message().substring(c.message().indexOf("is invalid: ")).split(", spec|, metadata")[0];
            assertThat(a.body().at("/details/causes/0/reason").asString())
                    .isEqualTo(first.contains(": Required value: ") ? "FieldValueRequired" : "FieldValueInvalid");
        }
        assertThat(authorizer.asked).isEmpty();
    }
}

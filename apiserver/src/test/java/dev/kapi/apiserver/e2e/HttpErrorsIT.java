package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Status bodies and codes of failed requests, one row per case, as kube-apiserver answers them. */
@ExtendWith(KapiServerExtension.class)
class HttpErrorsIT {

    private static final String NS = "e2e-errors";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String DEPLOYS = "/apis/apps/v1/namespaces/" + NS + "/deployments";
    private static final String EXISTING = "existing";

    /** One request and the Status it must get back. */
    record Case(String name, String method, String path, String contentType, String body, String accept,
                int code, String reason, String messagePart, String causeField) {

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void fixtures() {
        KubeHttp.createNamespace(NS);
        Reply r = KubeHttp.post(CMS, "{\"metadata\":{\"name\":\"" + EXISTING + "\"},\"data\":{\"k\":\"v\"}}");
        assertThat(r.code()).as(r.toString()).isIn(201, 409);
    }

    private static Case json(String name, String method, String path, String body, int code, String reason,
                             String messagePart, String causeField) {
        return new Case(name, method, path, body == null ? null : "application/json", body, null, code, reason,
                messagePart, causeField);
    }

    static Stream<Case> cases() {
        String json = "application/json";
        return Stream.of(
                json("create in a namespace that does not exist", "POST",
                        "/api/v1/namespaces/no-such-namespace/configmaps",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", 404,
                        "NotFound", "namespaces \"no-such-namespace\" not found", null),
                json("missing object", "GET", CMS + "/nope", null, 404, "NotFound",
                        "configmaps \"nope\" not found", null),
                json("unknown resource path", "GET", "/api/v1/namespaces/" + NS + "/widgets", null, 404,
                        "NotFound", "the server could not find the requested resource", null),
                json("unknown group", "GET", "/apis/nothing.example.com/v1/widgets", null, 404, "NotFound",
                        "", null),
                json("already exists", "POST", CMS, "{\"metadata\":{\"name\":\"" + EXISTING + "\"}}", 409,
                        "AlreadyExists", "configmaps \"" + EXISTING + "\" already exists", null),
                json("dry-run create of existing name", "POST", CMS + "?dryRun=All",
                        "{\"metadata\":{\"name\":\"" + EXISTING + "\"}}", 409, "AlreadyExists",
                        "configmaps \"" + EXISTING + "\" already exists", null),
                json("create naming a resourceVersion (kube's storage refuses it)", "POST", CMS,
                        "{\"metadata\":{\"name\":\"rv-set\",\"resourceVersion\":\"5\"}}", 500, "",
                        "resourceVersion should not be set on objects to be created", null),
                json("invalid deployment names its group", "POST", DEPLOYS, deployment("Bad_Deploy", ""), 422,
                        "Invalid", "Deployment.apps \"Bad_Deploy\" is invalid", "metadata.name"),
                json("resourceVersionMatch without resourceVersion", "GET", CMS + "?resourceVersionMatch=Exact",
                        null, 422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: "
                                + "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                        "resourceVersionMatch"),
                json("DELETE across namespaces", "DELETE", "/api/v1/configmaps", null, 405, "MethodNotAllowed",
                        "the server does not allow this method on the requested resource", null),
                json("stale resourceVersion", "PUT", CMS + "/" + EXISTING,
                        "{\"metadata\":{\"name\":\"" + EXISTING + "\",\"resourceVersion\":\"1\"},\"data\":{}}",
                        409, "Conflict", "Operation cannot be fulfilled on configmaps \"" + EXISTING
                                + "\": the object has been modified; please apply your changes to the latest"
                                + " version and try again", null),
                json("bad name", "POST", CMS, "{\"metadata\":{\"name\":\"Bad_Name\"}}", 422, "Invalid",
                        "ConfigMap \"Bad_Name\" is invalid", "metadata.name"),
                json("bad label value", "POST", CMS,
                        "{\"metadata\":{\"name\":\"bad-label\",\"labels\":{\"app\":\"-no-\"}}}", 422, "Invalid",
                        "ConfigMap \"bad-label\" is invalid", "metadata.labels"),
                json("bad label key", "POST", CMS,
                        "{\"metadata\":{\"name\":\"bad-key\",\"labels\":{\"a b\":\"x\"}}}", 422, "Invalid",
                        "ConfigMap \"bad-key\" is invalid", "metadata.labels"),
                json("malformed JSON", "POST", CMS, "{\"metadata\":{\"name\":", 400, "BadRequest", "", null),
                json("namespace differs from URL", "POST", CMS,
                        "{\"metadata\":{\"name\":\"elsewhere\",\"namespace\":\"other\"}}", 400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request",
                        null),
                json("4 MiB body", "POST", CMS, "{\"metadata\":{\"name\":\"huge\"},\"data\":{\"k\":\""
                        + "a".repeat(4 * 1024 * 1024) + "\"}}", 413, "RequestEntityTooLarge", "", null),
                // under the 3 MiB body limit, but over ConfigMap's 1 MiB of data: validation refuses it (422)
                json("2 MiB ConfigMap", "POST", CMS, "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\""
                        + "a".repeat(2 * 1024 * 1024) + "\"}}", 422, "Invalid",
                        "ConfigMap \"big\" is invalid: ", ""),
                json("invalid label value", "POST", CMS,
                        "{\"metadata\":{\"name\":\"bad-label\",\"labels\":{\"app\":\"not valid!\"}}}", 422,
                        "Invalid", "ConfigMap \"bad-label\" is invalid: metadata.labels: Invalid value: \"not valid!\"",
                        "metadata.labels"),
                json("invalid label key", "POST", CMS,
                        "{\"metadata\":{\"name\":\"bad-key\",\"labels\":{\"-app\":\"x\"}}}", 422,
                        "Invalid", "ConfigMap \"bad-key\" is invalid: metadata.labels: Invalid value: \"-app\"",
                        "metadata.labels"),
                new Case("text/plain body", "POST", CMS, "text/plain", "hello", null, 415,
                        "UnsupportedMediaType", "the body of the request was in an unknown format", null),
                new Case("form body of a DELETE", "DELETE", CMS + "/" + EXISTING, "application/x-www-form-urlencoded",
                        "propagationPolicy=Orphan", null, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format", null),
                new Case("form body of a PUT", "PUT", CMS + "/" + EXISTING, "application/x-www-form-urlencoded",
                        "metadata=x", null, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format", null),
                json("DELETE of every namespace", "DELETE", "/api/v1/namespaces", null, 405, "MethodNotAllowed", "",
                        null),
                json("DELETE of the default namespace", "DELETE", "/api/v1/namespaces/default", null, 403, "Forbidden",
                        "namespaces \"default\" is forbidden: this namespace may not be deleted", null),
                json("POST without namespace", "POST", "/api/v1/configmaps", "{\"metadata\":{\"name\":\"x\"}}",
                        405, "MethodNotAllowed", "", null),
                json("PUT on a collection", "PUT", CMS, "{\"metadata\":{\"name\":\"x\"}}", 405,
                        "MethodNotAllowed", "", null),
                new Case("protobuf only Accept", "GET", CMS, null, null, "application/vnd.kubernetes.protobuf",
                        406, "NotAcceptable", "", null),
                new Case("strict field validation", "POST", DEPLOYS + "?fieldValidation=Strict", json,
                        deployment("strict", ",\"foo\":1"), null, 400, "BadRequest",
                        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                                + "unknown field \"spec.foo\"", null),
                json("invalid fieldValidation value", "POST", CMS + "?fieldValidation=Loud",
                        "{\"metadata\":{\"name\":\"loud\"}}", 400, "BadRequest", "fieldValidation", null),
                // client mistakes in values and options (issue #8): kube's 400/422 in kube's words, never a 500
                json("string where kube wants an int32", "POST", DEPLOYS,
                        deployment("three", "").replace("\"replicas\":1", "\"replicas\":\"three\""), 400, "BadRequest",
                        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string "
                                + "into Go struct field DeploymentSpec.spec.replicas of type int32", null),
                json("number where kube wants a string", "POST", CMS, "{\"metadata\":{\"name\":123}}", 400,
                        "BadRequest", "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot "
                                + "unmarshal number into Go struct field ObjectMeta.metadata.name of type string", null),
                json("malformed creationTimestamp", "POST", CMS,
                        "{\"metadata\":{\"name\":\"ts\",\"creationTimestamp\":\"yesterday\"}}", 400, "BadRequest",
                        "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as "
                                + "\"2006\"", null),
                new Case("strategic merge patch with $patch: bogus", "PATCH", CMS + "/" + EXISTING,
                        "application/strategic-merge-patch+json", "{\"data\":{\"$patch\":\"bogus\"}}", null, 400,
                        "BadRequest", "unknown patch type: bogus", null),
                new Case("merge patch giving a value of the wrong type", "PATCH", CMS + "/" + EXISTING,
                        "application/merge-patch+json", "{\"immutable\":\"yes\"}", null, 422, "Invalid",
                        "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool", "patch"),
                json("DeleteOptions with a string gracePeriodSeconds", "DELETE", CMS + "/" + EXISTING,
                        "{\"gracePeriodSeconds\":\"abc\"}", 400, "BadRequest", "json: cannot unmarshal string into Go "
                                + "struct field DeleteOptions.gracePeriodSeconds of type int64", null),
                json("propagationPolicy=Bogus", "DELETE", CMS + "/" + EXISTING + "?propagationPolicy=Bogus", null, 422,
                        "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: "
                                + "\"Bogus\"", "propagationPolicy"),
                json("watch=maybe on a list", "GET", CMS + "?watch=maybe", null, 400, "BadRequest",
                        "strconv.ParseBool: parsing \"maybe\": invalid syntax", null),
                json("timeoutSeconds=abc on a list", "GET", CMS + "?timeoutSeconds=abc", null, 400, "BadRequest",
                        "strconv.ParseInt: parsing \"abc\": invalid syntax", null),
                json("limit=abc on a list", "GET", CMS + "?limit=abc", null, 400, "BadRequest",
                        "strconv.ParseInt: parsing \"abc\": invalid syntax", null));
    }

    static String deployment(String name, String extraSpec) {
        return """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","labels":{"app":"%s"}},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%s"}},
                  "template":{"metadata":{"labels":{"app":"%s"}},
                   "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}%s}}"""
                .formatted(name, name, name, name, extraSpec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithStatus(Case c) {
        List<String> headers = new ArrayList<>();
        if (c.accept() != null) {
            headers.add("Accept");
            headers.add(c.accept());
        }
        Reply r = KubeHttp.send(c.method(), c.path(), c.contentType(), c.body(), headers.toArray(String[]::new));

        assertThat(r.code()).as(abbreviated(r)).isEqualTo(c.code());
        JsonNode status = r.json();
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("apiVersion").asString()).isEqualTo("v1");
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(c.code());
        assertThat(status.path("reason").asString()).isEqualTo(c.reason());
        assertThat(status.path("message").asString()).contains(c.messagePart());
        if (c.causeField() != null) {
            List<String> fields = new ArrayList<>();
            status.path("details").path("causes").forEach(cause -> fields.add(cause.path("field").asString()));
            assertThat(fields).anySatisfy(f -> assertThat(f).startsWith(c.causeField()));
        }
    }

    private static String abbreviated(Reply r) {
        String s = r.toString();
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}

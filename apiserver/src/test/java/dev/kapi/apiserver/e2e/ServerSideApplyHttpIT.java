package dev.kapi.apiserver.e2e;

import static dev.kapi.apiserver.e2e.ManagedFields.entry;
import static dev.kapi.apiserver.e2e.ManagedFields.managers;
import static dev.kapi.apiserver.e2e.ManagedFields.owns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Server-side apply and managedFields over plain HTTP, compared with kube-apiserver's answers: the required
 * {@code fieldManager}, the apply media types, dry run, schema and strict YAML checks, conflict messages, and
 * managedFields sent with an update (reset, malformed) or derived from the User-Agent.
 */
@ExtendWith(KapiServerExtension.class)
class ServerSideApplyHttpIT {

    private static final String NS = "e2e-ssa-http";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String APPLY = "application/apply-patch+yaml";

    @BeforeAll
    static void namespace() {
        KubeHttp.createNamespace(NS);
    }

    private static String configMap(String name, String data) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                data: {%s}
                """.formatted(name, data);
    }

    private static JsonNode code(Reply r, int code) {
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        return r.json();
    }

    private static Reply apply(String name, String query, String body) {
        return KubeHttp.patch(CMS + "/" + name + query, APPLY, body);
    }

    @Test
    void applyCreatesThenUpdatesInYamlOrJson() {
        JsonNode created = code(apply("plain", "?fieldManager=a", configMap("plain", "k: v1")), 201);
        assertThat(created.path("data").path("k").asString()).isEqualTo("v1");
        assertThat(managers(created)).containsExactly("a/Apply");

        String json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"plain\"},"
                + "\"data\":{\"k\":\"v2\"}}";
        JsonNode updated = code(apply("plain", "?fieldManager=a", json), 200);
        assertThat(updated.path("data").path("k").asString()).isEqualTo("v2");
        assertThat(managers(updated)).containsExactly("a/Apply");

        // YAML in flow style starts with a brace like JSON, but is no JSON: still read as YAML
        String flow = "{apiVersion: v1, kind: ConfigMap, metadata: {name: plain}, data: {k: v3}}";
        JsonNode flowUpdated = code(apply("plain", "?fieldManager=a", flow), 200);
        assertThat(flowUpdated.path("data").path("k").asString()).isEqualTo("v3");
        code(apply("plain", "?fieldManager=a", "{\"apiVersion\": \"v1\", \"kind\": "), 400);
    }

    @Test
    void applyWithoutFieldManagerIs422() {
        JsonNode status = code(apply("nomanager", "", configMap("nomanager", "k: v")), 422);
        assertThat(status.path("reason").asString()).isEqualTo("Invalid");
        assertThat(status.path("message").asString()).isEqualTo(
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        assertThat(status.path("details").path("causes").get(0).path("field").asString()).isEqualTo("fieldManager");
        assertThat(KubeHttp.get(CMS + "/nomanager").code()).isEqualTo(404);
    }

    @Test
    void forceOnAnotherPatchIs422() {
        code(KubeHttp.post(CMS, "{\"metadata\":{\"name\":\"forced\"},\"data\":{\"k\":\"v\"}}"), 201);
        JsonNode status = code(KubeHttp.patch(CMS + "/forced?force=false", "application/merge-patch+json",
                "{\"data\":{\"k\":\"changed\"}}"), 422);
        assertThat(status.path("message").asString()).isEqualTo(
                "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
        assertThat(KubeHttp.get(CMS + "/forced").json().path("data").path("k").asString()).isEqualTo("v");
    }

    @Test
    void applyPatchCborIs415() {
        Reply r = KubeHttp.patch(CMS + "/cbor?fieldManager=a", "application/apply-patch+cbor", "\u00a0");
        JsonNode status = code(r, 415);
        assertThat(status.path("reason").asString()).isEqualTo("UnsupportedMediaType");
        assertThat(status.path("message").asString()).isEqualTo("the body of the request was in an unknown format - "
                + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                + "application/strategic-merge-patch+json, application/apply-patch+yaml");
    }

    @Test
    void dryRunApplyOfAMissingObjectCreatesNothing() {
        JsonNode dry = code(apply("dry", "?fieldManager=a&dryRun=All", configMap("dry", "k: v")), 201);
        assertThat(dry.path("data").path("k").asString()).isEqualTo("v");
        assertThat(dry.path("metadata").path("name").asString()).isEqualTo("dry");
        assertThat(managers(dry)).containsExactly("a/Apply");
        code(KubeHttp.get(CMS + "/dry"), 404);
    }

    @Test
    void applyOfAFieldOutsideTheSchemaIs400() {
        JsonNode status = code(apply("unknown", "?fieldManager=a", configMap("unknown", "k: v") + "bogus: 1\n"), 400);
        assertThat(status.path("reason").asString()).isEqualTo("BadRequest");
        assertThat(status.path("message").asString()).isEqualTo(
                "failed to create typed patch object (/unknown; /v1, Kind=ConfigMap): "
                        + ".bogus: field not declared in schema");
        code(KubeHttp.get(CMS + "/unknown"), 404);
    }

    @Test
    void duplicateKeysAreRefusedUnderStrictWarnedUnderWarnAndIgnoredUnderIgnore() {
        String duplicated = configMap("dup", "k: v1, k: v2");
        JsonNode status = code(apply("dup", "?fieldManager=a&fieldValidation=Strict", duplicated), 400);
        // kube: yaml.UnmarshalStrict's error, "error converting YAML to JSON: yaml: unmarshal errors: ..."
        // (Strict is what kubectl sends; a request without fieldValidation gets the server's default, Warn)
        assertThat(status.path("message").asString()).startsWith("error strict decoding YAML: ")
                .contains("key \"k\" already set in map");
        code(KubeHttp.get(CMS + "/dup"), 404);

        Reply warned = apply("dup", "?fieldManager=a&fieldValidation=Warn", duplicated);
        code(warned, 201);
        assertThat(warned.headers("Warning")).anySatisfy(w -> assertThat(w).startsWith("299 - ")
                .contains("key \\\"k\\\" already set in map"));

        Reply ignored = apply("dup", "?fieldManager=a&fieldValidation=Ignore", duplicated);
        code(ignored, 200);
        assertThat(ignored.headers("Warning")).isEmpty();
        // a duplicate key and then a syntax error: the lenient second read fails too, a 400 and not a 500
        for (String validation : java.util.List.of("Warn", "Ignore")) {
            code(apply("dup", "?fieldManager=a&fieldValidation=" + validation,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\"},"), 400);
        }
    }

    /** A ConfigMap {@code name} whose data.a is Update manager zeta's and data.b Apply manager alpha's. */
    private static void contested(String name) {
        code(KubeHttp.post(CMS + "?fieldManager=zeta",
                "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"a\":\"1\"}}"), 201);
        code(apply(name, "?fieldManager=alpha", configMap(name, "b: \"1\"")), 200);
    }

    @Test
    void aConflictWithAnApplierIs409InKubesWords() {
        contested("with-applier");
        JsonNode status = code(apply("with-applier", "?fieldManager=mine", configMap("with-applier", "b: \"2\"")),
                409);
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("reason").asString()).isEqualTo("Conflict");
        assertThat(status.path("message").asString())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"alpha\": .data.b");
        JsonNode cause = status.path("details").path("causes").get(0);
        assertThat(cause.path("reason").asString()).isEqualTo("FieldManagerConflict");
        assertThat(cause.path("message").asString()).isEqualTo("conflict with \"alpha\"");
        assertThat(cause.path("field").asString()).isEqualTo(".data.b");
    }

    @Test
    void aConflictWithAnUpdaterNamesItsApiVersionButNoTime() {
        contested("with-updater");
        // kube's manager identifier never holds the time, so printManager prints none
        JsonNode status = code(apply("with-updater", "?fieldManager=mine", configMap("with-updater", "a: \"2\"")),
                409);
        assertThat(status.path("message").asString())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"zeta\" using v1: .data.a");
        JsonNode cause = status.path("details").path("causes").get(0);
        assertThat(cause.path("message").asString()).isEqualTo("conflict with \"zeta\" using v1");
        assertThat(cause.path("field").asString()).isEqualTo(".data.a");
    }

    @Test
    void severalConflictsAreGroupedByManagerAndForceTakesThemAll() {
        contested("with-both");
        String both = configMap("with-both", "a: \"2\", b: \"2\"");
        JsonNode status = code(apply("with-both", "?fieldManager=mine", both), 409);
        assertThat(status.path("message").asString()).isEqualTo("""
                Apply failed with 2 conflicts: conflicts with "alpha":
                - .data.b
                conflicts with "zeta" using v1:
                - .data.a""");
        assertThat(status.path("details").path("causes").size()).isEqualTo(2);
        assertThat(KubeHttp.get(CMS + "/with-both").json().path("data").path("a").asString()).isEqualTo("1");

        JsonNode forced = code(apply("with-both", "?fieldManager=mine&force=true", both), 200);
        assertThat(forced.path("data").path("a").asString()).isEqualTo("2");
        assertThat(owns(entry(forced, "mine", "Apply"), "f:data", "f:a")).isTrue();
        assertThat(owns(entry(forced, "mine", "Apply"), "f:data", "f:b")).isTrue();
        assertThat(entry(forced, "alpha", "Apply")).as("alpha owned only data.b").isNull();
        assertThat(owns(entry(forced, "zeta", "Update"), "f:data", "f:a")).isFalse();
    }

    @Test
    void emptyManagedFieldsInAnUpdateClearThem() {
        JsonNode created = code(KubeHttp.post(CMS + "?fieldManager=first",
                "{\"metadata\":{\"name\":\"reset\"},\"data\":{\"k\":\"v1\"}}"), 201);
        assertThat(managers(created)).containsExactly("first/Update");

        JsonNode reset = code(KubeHttp.put(CMS + "/reset?fieldManager=second",
                "{\"metadata\":{\"name\":\"reset\",\"managedFields\":[]},\"data\":{\"k\":\"v2\"}}"), 200);
        assertThat(managers(reset)).as(reset.toString()).containsExactly("second/Update");
        assertThat(entry(reset, "second", "Update").path("fieldsV1").toString())
                .isEqualTo("{\"f:data\":{\"f:k\":{}}}");

        JsonNode unchanged = code(KubeHttp.put(CMS + "/reset?fieldManager=third",
                "{\"metadata\":{\"name\":\"reset\",\"managedFields\":[]},\"data\":{\"k\":\"v2\"}}"), 200);
        assertThat(unchanged.path("metadata").has("managedFields")).as(unchanged.toString()).isFalse();
        assertThat(KubeHttp.get(CMS + "/reset").json().path("metadata").has("managedFields")).isFalse();
    }

    /** Without managedFields in the body, an update keeps the live ones (only {@code []} clears them). */
    @Test
    void anUpdateWithoutManagedFieldsKeepsTheLiveOnes() {
        code(KubeHttp.post(CMS + "?fieldManager=first", "{\"metadata\":{\"name\":\"kept\"},\"data\":{\"k\":\"v1\"}}"),
                201);
        JsonNode updated = code(KubeHttp.put(CMS + "/kept?fieldManager=second",
                "{\"metadata\":{\"name\":\"kept\"},\"data\":{\"k\":\"v1\",\"other\":\"v2\"}}"), 200);
        assertThat(managers(updated)).as(updated.toString()).containsExactly("first/Update", "second/Update");
        JsonNode patched = code(KubeHttp.patch(CMS + "/kept?fieldManager=third", "application/merge-patch+json",
                "{\"data\":{\"third\":\"v3\"}}"), 200);
        assertThat(managers(patched)).containsExactly("first/Update", "second/Update", "third/Update");
    }

    @Test
    void aMalformedManagedFieldsEntryKeepsTheLiveOnes() {
        code(KubeHttp.post(CMS + "?fieldManager=first",
                "{\"metadata\":{\"name\":\"malformed\"},\"data\":{\"k\":\"v1\"}}"), 201);
        String bogus = "[{\"manager\":\"intruder\",\"operation\":\"Bogus\",\"apiVersion\":\"v1\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{}}}]";
        JsonNode updated = code(KubeHttp.put(CMS + "/malformed?fieldManager=second", "{\"metadata\":{\"name\":"
                + "\"malformed\",\"managedFields\":" + bogus + "},\"data\":{\"k\":\"v2\"}}"), 200);
        assertThat(managers(updated)).as(updated.toString()).containsExactly("first/Update", "second/Update");
        assertThat(owns(entry(updated, "second", "Update"), "f:data", "f:k")).isTrue();
        assertThat(owns(entry(updated, "first", "Update"), "f:data", "f:k")).as("taken by second").isFalse();
        assertThat(managers(KubeHttp.get(CMS + "/malformed").json())).containsExactly("first/Update", "second/Update");
    }

    @Test
    void anUpdateByTheSameManagerMergesIntoItsEntry() {
        code(KubeHttp.post(CMS + "?fieldManager=writer", "{\"metadata\":{\"name\":\"merged\"},\"data\":{\"a\":\"1\"}}"),
                201);
        JsonNode updated = code(KubeHttp.patch(CMS + "/merged?fieldManager=writer", "application/merge-patch+json",
                "{\"data\":{\"b\":\"1\"}}"), 200);
        assertThat(managers(updated)).containsExactly("writer/Update");
        JsonNode writer = entry(updated, "writer", "Update");
        assertThat(owns(writer, "f:data", "f:a")).isTrue();
        assertThat(owns(writer, "f:data", "f:b")).isTrue();
    }

    @Test
    void anUpdateWithoutFieldManagerIsNamedFromTheUserAgent() {
        code(KubeHttp.post(CMS, "{\"metadata\":{\"name\":\"agent\"},\"data\":{\"k\":\"v1\"}}"), 201);
        Reply r = KubeHttp.send("PUT", CMS + "/agent", "application/json",
                "{\"metadata\":{\"name\":\"agent\"},\"data\":{\"k\":\"v2\"}}", "User-Agent", "curl/8.0");
        JsonNode updated = code(r, 200);
        assertThat(owns(entry(updated, "curl", "Update"), "f:data", "f:k")).as(managers(updated).toString()).isTrue();
    }
}

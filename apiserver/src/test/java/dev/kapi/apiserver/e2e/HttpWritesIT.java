package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Write semantics over raw HTTP: field validation warnings, dry run, generateName, generation, finalizers. */
@ExtendWith(KapiServerExtension.class)
class HttpWritesIT {

    private static final String NS = "e2e-writes";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String DEPLOYS = "/apis/apps/v1/namespaces/" + NS + "/deployments";

    @BeforeAll
    static void namespace() {
        KubeHttp.createNamespace(NS);
    }

    private static JsonNode created(Reply r) {
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static JsonNode ok(Reply r) {
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /**
     * kube's create-on-update: a PUT of a missing Role, Service or Endpoints creates it (201; a resourceVersion in
     * the body is ignored, the Service gets its cluster IP) and the next PUT updates it (200), but not when the body
     * names a uid (409, kube's precondition); a PUT of a missing ConfigMap stays a 404. {@code kubectl replace} of a missing Role works as against kube.
     */
    @Test
    void aPutOfAMissingObjectCreatesItWhereKubeDoes() {
        String roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/roles";
        String role = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":"
                + "\"put-created\",\"resourceVersion\":\"12345\"},\"rules\":[{\"apiGroups\":[\"\"],"
                + "\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]}";
        JsonNode created = created(KubeHttp.put(roles + "/put-created", role));
        assertThat(created.at("/metadata/resourceVersion").asString()).isNotEqualTo("12345");
        assertThat(created.at("/metadata/uid").asString()).isNotEmpty();
        ok(KubeHttp.put(roles + "/put-created", role.replace(",\"resourceVersion\":\"12345\"", "")));

        String services = "/api/v1/namespaces/" + NS + "/services";
        JsonNode service = created(KubeHttp.put(services + "/put-svc", "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
                + "\"metadata\":{\"name\":\"put-svc\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
        assertThat(service.at("/spec/clusterIP").asString()).matches("[0-9.]+");
        created(KubeHttp.put("/api/v1/namespaces/" + NS + "/endpoints/put-ep", "{\"apiVersion\":\"v1\","
                + "\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"put-ep\"}}"));

        // a Role read before an admin deleted it does not come back: the body's uid is a precondition, as in kube
        String uid = created.at("/metadata/uid").asString();
        assertThat(KubeHttp.delete(roles + "/put-created").code()).isEqualTo(200);
        Reply stale = KubeHttp.put(roles + "/put-created", role.replace("\"resourceVersion\":\"12345\"",
                "\"uid\":\"" + uid + "\""));
        assertThat(stale.code()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.json().path("message").asString()).isEqualTo("Operation cannot be fulfilled on "
                + "roles.rbac.authorization.k8s.io \"put-created\": Precondition failed: UID in precondition: " + uid
                + ", UID in object meta: ");
        assertThat(KubeHttp.get(roles + "/put-created").code()).isEqualTo(404);

        // an update whose body names another object's uid is kube's precondition failure, not a changed uid
        Reply otherUid = KubeHttp.put(services + "/put-svc", "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
                + "\"metadata\":{\"name\":\"put-svc\",\"uid\":\"" + uid + "\"},\"spec\":{\"ports\":[{\"port\":80}]}}");
        assertThat(otherUid.code()).as(otherUid.toString()).isEqualTo(409);
        assertThat(otherUid.json().path("message").asString()).isEqualTo("Operation cannot be fulfilled on services "
                + "\"put-svc\": Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
                + service.at("/metadata/uid").asString());

        Reply missing = KubeHttp.put(CMS + "/put-cm", KubeHttp.configMap("put-cm"));
        assertThat(missing.code()).as(missing.toString()).isEqualTo(404);
        assertThat(missing.json().path("message").asString()).isEqualTo("configmaps \"put-cm\" not found");

        Kubectl.Result replaced = Kubectl.named("kubectl").runWithInput("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: replaced-role, namespace: %s}
                rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
                """.formatted(NS), "replace", "-f", "-");
        assertThat(replaced.exit()).as(replaced.toString()).isZero();
        assertThat(replaced.out()).contains("role.rbac.authorization.k8s.io/replaced-role replaced");
        ok(KubeHttp.get(roles + "/replaced-role"));
    }

    @Test
    void defaultFieldValidationWarnsAboutUnknownFields() {
        Reply r = KubeHttp.post(DEPLOYS, HttpErrorsIT.deployment("warned", ",\"foo\":1"));
        created(r);
        assertThat(r.headers("Warning")).anySatisfy(w -> assertThat(w).startsWith("299 ")
                .contains("unknown field \\\"spec.foo\\\""));
    }

    /**
     * Thousands of unknown fields: the create answers 201 with warnings within kube's bounds (it once answered 500
     * on the size of its headers, the object stored all the same), and under Strict the first 100 are named.
     */
    @Test
    void manyUnknownFieldsAreAnsweredWithinKubesBounds() {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            extra.append(",\"unknownFieldNumber").append(i).append("WithALongishName\":1");
        }
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"}" + extra + "}";
        Reply warned = KubeHttp.post(CMS, body.formatted("many-unknown"));
        created(warned);
        assertThat(warned.headers("Warning")).hasSizeBetween(10, 100).first().asString()
                .contains("unknown field \\\"unknownFieldNumber0WithALongishName\\\"");

        Reply refused = KubeHttp.post(CMS + "?fieldValidation=Strict", body.formatted("many-unknown-strict"));
        assertThat(refused.code()).as(refused.toString()).isEqualTo(400);
        String message = refused.json().path("message").asString();
        assertThat(message).startsWith("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding "
                + "error: unknown field \"unknownFieldNumber0WithALongishName\"")
                .contains("unknownFieldNumber99WithALongishName").doesNotContain("unknownFieldNumber100WithALongishName");
        assertThat(KubeHttp.get(CMS + "/many-unknown-strict").code()).isEqualTo(404);
    }

    @Test
    void ignoreFieldValidationIsSilent() {
        Reply r = KubeHttp.post(DEPLOYS + "?fieldValidation=Ignore", HttpErrorsIT.deployment("ignored", ",\"foo\":1"));
        created(r);
        assertThat(r.headers("Warning")).isEmpty();
    }

    static Stream<Arguments> dryRuns() {
        String path = CMS + "/dry";
        return Stream.of(
                Arguments.of("create", "POST", CMS + "?dryRun=All", "application/json",
                        "{\"metadata\":{\"name\":\"dry-new\"},\"data\":{\"k\":\"new\"}}", 201, CMS + "/dry-new", 404),
                Arguments.of("update", "PUT", path + "?dryRun=All", "application/json",
                        "{\"metadata\":{\"name\":\"dry\"},\"data\":{\"k\":\"changed\"}}", 200, path, 200),
                Arguments.of("patch", "PATCH", path + "?dryRun=All", "application/merge-patch+json",
                        "{\"data\":{\"k\":\"patched\"}}", 200, path, 200),
                Arguments.of("delete", "DELETE", path + "?dryRun=All", null, null, 200, path, 200));
    }

    @ParameterizedTest(name = "dryRun=All {0}")
    @MethodSource("dryRuns")
    void dryRunLeavesStorageUnchanged(String verb, String method, String path, String contentType, String body,
                                      int code, String checkPath, int checkCode) {
        Reply fixture = KubeHttp.post(CMS, "{\"metadata\":{\"name\":\"dry\"},\"data\":{\"k\":\"v\"}}");
        assertThat(fixture.code()).isIn(201, 409);
        String rvBefore = KubeHttp.get(CMS + "/dry").json().path("metadata").path("resourceVersion").asString();

        Reply r = KubeHttp.send(method, path, contentType, body);
        assertThat(r.code()).as(r.toString()).isEqualTo(code);

        Reply after = KubeHttp.get(checkPath);
        assertThat(after.code()).as(after.toString()).isEqualTo(checkCode);
        if (checkCode == 200) {
            assertThat(after.json().path("data").path("k").asString()).isEqualTo("v");
            assertThat(after.json().path("metadata").path("resourceVersion").asString()).isEqualTo(rvBefore);
        }
    }

    @Test
    void generateNameAddsFiveCharacterSuffix() {
        JsonNode cm = created(KubeHttp.post(CMS, "{\"metadata\":{\"generateName\":\"gen-\"}}"));
        String name = cm.path("metadata").path("name").asString();
        assertThat(name).matches("gen-[a-z0-9]{5}");
        assertThat(cm.path("metadata").path("generateName").asString()).isEqualTo("gen-");
        assertThat(KubeHttp.get(CMS + "/" + name).code()).isEqualTo(200);
    }

    @Test
    void generationBumpsOnSpecChangeOnly() {
        JsonNode d = created(KubeHttp.post(DEPLOYS, HttpErrorsIT.deployment("gen", "")));
        assertThat(d.path("metadata").path("generation").asLong()).isEqualTo(1);

        JsonNode labelled = ok(KubeHttp.patch(DEPLOYS + "/gen", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}"));
        assertThat(labelled.path("metadata").path("generation").asLong()).isEqualTo(1);

        JsonNode scaled = ok(KubeHttp.patch(DEPLOYS + "/gen", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":3}}"));
        assertThat(scaled.path("metadata").path("generation").asLong()).isEqualTo(2);

        JsonNode status = ok(KubeHttp.patch(DEPLOYS + "/gen/status", "application/merge-patch+json",
                "{\"status\":{\"observedGeneration\":2,\"replicas\":3}}"));
        assertThat(status.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(status.path("status").path("replicas").asInt()).isEqualTo(3);
    }

    @Test
    void finalizersKeepObjectUntilRemoved() {
        created(KubeHttp.post(CMS, "{\"metadata\":{\"name\":\"fin\",\"finalizers\":[\"example.com/hold\"]}}"));

        Reply deleted = KubeHttp.delete(CMS + "/fin");
        assertThat(deleted.code()).as(deleted.toString()).isIn(200, 202);
        JsonNode held = ok(KubeHttp.get(CMS + "/fin"));
        assertThat(held.path("metadata").path("deletionTimestamp").asString()).isNotEmpty();
        assertThat(held.path("metadata").path("finalizers").get(0).asString()).isEqualTo("example.com/hold");

        ok(KubeHttp.patch(CMS + "/fin", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}"));
        Reply gone = KubeHttp.get(CMS + "/fin");
        assertThat(gone.code()).as(gone.toString()).isEqualTo(404);
    }

    @Test
    void createsFromAProtobufBody() {
        byte[] configMap = V1.ConfigMap.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("from-protobuf").putLabels("via", "protobuf"))
                .putData("k", "v").build().toByteArray();
        byte[] envelope = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                .setRaw(ByteString.copyFrom(configMap)).build().toByteArray();
        byte[] body = new byte[envelope.length + 4];
        System.arraycopy(new byte[]{'k', '8', 's', 0}, 0, body, 0, 4);
        System.arraycopy(envelope, 0, body, 4, envelope.length);

        Reply r = KapiServerExtension.server().admin().sendBytes("POST", CMS, "application/vnd.kubernetes.protobuf",
                body, "Accept", "application/json");
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
        Reply stored = KubeHttp.get(CMS + "/from-protobuf");
        assertThat(stored.json().path("data").path("k").asString()).isEqualTo("v");
        assertThat(stored.json().path("metadata").path("labels").path("via").asString()).isEqualTo("protobuf");
    }
}

package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Accept: application/yaml} answered as kube-apiserver answers it: sigs.k8s.io/yaml's printing (keys
 * sorted, no quotes where YAML needs none, no {@code ---}) for objects, lists, Tables and error Statuses.
 */
@ExtendWith(KapiServerExtension.class)
class YamlResponsesIT {

    private static final String NS = "e2e-yaml";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String YAML = "application/yaml";

    @BeforeAll
    static void configMap() {
        KubeHttp.createNamespace(NS);
        KubeHttp.Reply r = KubeHttp.post(CMS, """
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"app":"web"}},
                 "data":{"mode":"fast","replicas":"3","debug":"false","script":"echo hi\\necho there\\n"}}""");
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
    }

    private static KubeHttp.Reply get(String path, String accept) {
        return KubeHttp.send("GET", path, null, null, "Accept", accept);
    }

    @Test
    void anObject() {
        KubeHttp.Reply r = get(CMS + "/settings", YAML);
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        assertThat(r.headers("Content-Type")).singleElement().asString().startsWith(YAML);
        assertThat(r.body()).startsWith("""
                apiVersion: v1
                data:
                  debug: "false"
                  mode: fast
                  replicas: "3"
                  script: |
                    echo hi
                    echo there
                kind: ConfigMap
                metadata:
                  creationTimestamp: "20""")
                .containsPattern("\n  labels:\n    app: web\n")
                .containsPattern("\n  name: settings\n  namespace: e2e-yaml\n  resourceVersion: \"[0-9]+\"\n"
                        + "  uid: [0-9a-f-]{36}\n$")
                .doesNotContain("---", "\"apiVersion\"", "\"v1\"");
    }

    @Test
    void aList() {
        KubeHttp.Reply r = get(CMS, YAML);
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        // kube's built-in lists carry the type once, on the list: not on its items
        assertThat(r.body()).startsWith("apiVersion: v1\nitems:\n- data:\n    debug: \"false\"\n")
                .containsPattern("\nkind: ConfigMapList\nmetadata:\n  resourceVersion: \"[0-9]+\"\n$")
                .doesNotContain("\n  kind: ConfigMap\n", "\n  apiVersion: v1\n");
    }

    @Test
    void aTable() {
        KubeHttp.Reply r = get(CMS, "application/yaml;as=Table;v=v1;g=meta.k8s.io, application/json");
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        assertThat(r.headers("Content-Type")).singleElement().asString().startsWith(YAML);
        assertThat(r.body()).startsWith("apiVersion: meta.k8s.io/v1\ncolumnDefinitions:\n- description: ")
                .contains("\n  name: Name\n", "\nkind: Table\n", "\nrows:\n- cells:\n  - settings\n  - 4\n");
    }

    @Test
    void anErrorStatus() {
        KubeHttp.Reply r = get(CMS + "/nope", YAML);
        assertThat(r.code()).isEqualTo(404);
        assertThat(r.headers("Content-Type")).singleElement().asString().startsWith(YAML);
        assertThat(r.body()).isEqualTo("""
                apiVersion: v1
                code: 404
                details:
                  kind: configmaps
                  name: nope
                kind: Status
                message: configmaps "nope" not found
                metadata: {}
                reason: NotFound
                status: Failure
                """);
    }

    @Test
    void authenticationAndAuthorizationErrors() {
        KubeHttp.Reply unauthorized = KapiServerExtension.server().withToken("not-a-token")
                .send("GET", CMS, null, null, "Accept", YAML);
        assertThat(unauthorized.body()).isEqualTo("""
                apiVersion: v1
                code: 401
                kind: Status
                message: Unauthorized
                metadata: {}
                reason: Unauthorized
                status: Failure
                """);
        KubeHttp.Reply forbidden = KapiServerExtension.server().asUser("yaml-nobody")
                .send("GET", CMS, null, null, "Accept", YAML);
        assertThat(forbidden.code()).isEqualTo(403);
        assertThat(forbidden.body()).isEqualTo("""
                apiVersion: v1
                code: 403
                details:
                  kind: configmaps
                kind: Status
                message: 'configmaps is forbidden: User "yaml-nobody" cannot list resource "configmaps"
                  in API group "" in the namespace "e2e-yaml"'
                metadata: {}
                reason: Forbidden
                status: Failure
                """);
    }

    @Test
    void aWatchIsNotServedInYaml() {
        // kube-apiserver has no streaming YAML serializer: 406, the Status itself in YAML
        KubeHttp.Reply r = get(CMS + "?watch=true&timeoutSeconds=1", YAML);
        assertThat(r.code()).as(r.toString()).isEqualTo(406);
        assertThat(r.body()).startsWith("apiVersion: v1\ncode: 406\nkind: Status\n"
                + "message: 'only the following media types are accepted: application/json, application/yaml,");
        KubeHttp.Reply table = get(CMS + "?watch=true&timeoutSeconds=1",
                "application/yaml;as=Table;v=v1;g=meta.k8s.io");
        assertThat(table.code()).as(table.toString()).isEqualTo(406);
    }

    @Test
    void errorsForJsonClientsStayJson() {
        // kubectl get: Table first, JSON as the plain fall-back
        KubeHttp.Reply r = get(CMS + "/nope", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        assertThat(r.headers("Content-Type")).singleElement().asString().startsWith("application/json");
        assertThat(r.json().path("reason").asString()).isEqualTo("NotFound");
    }
}

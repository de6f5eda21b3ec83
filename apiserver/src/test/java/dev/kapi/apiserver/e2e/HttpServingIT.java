package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Health, version, OpenAPI and Table output over raw HTTP. */
@ExtendWith(KapiServerExtension.class)
class HttpServingIT {

    private static final String NS = "e2e-serving";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    @BeforeAll
    static void namespace() {
        KubeHttp.createNamespace(NS);
    }

    static Stream<Arguments> plainEndpoints() {
        return Stream.of(
                Arguments.of("/healthz", "ok"),
                Arguments.of("/livez", "ok"),
                Arguments.of("/readyz", "ok"),
                Arguments.of("/readyz?verbose", "[+]informer-sync ok"),
                Arguments.of("/readyz?verbose", "[+]poststarthook/crd-informer-synced ok"),
                Arguments.of("/version", "\"gitVersion\""),
                Arguments.of("/openapi/v3", "\"paths\""),
                Arguments.of("/openapi/v3", "api/v1"),
                Arguments.of("/openapi/v2", "\"swagger\":\"2.0\""),
                Arguments.of("/openapi/v2", "io.k8s.api.core.v1.ConfigMap"));
    }

    @ParameterizedTest(name = "GET {0} contains {1}")
    @MethodSource("plainEndpoints")
    void servesPlainEndpoints(String path, String expected) {
        Reply r = KubeHttp.get(path);
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).contains(expected);
    }

    @Test
    void versionNamesAKubeRelease() {
        JsonNode v = KubeHttp.get("/version").json();
        assertThat(v.path("major").asString()).isEqualTo("1");
        assertThat(v.path("gitVersion").asString()).startsWith("v1.");
        assertThat(v.path("platform").asString()).isNotEmpty();
    }

    static Stream<Arguments> tables() {
        String deployment = """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"table-web"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"table-web"}},
                  "template":{"metadata":{"labels":{"app":"table-web"}},
                   "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}""";
        String pod = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"table-pod"},
                 "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""";
        String configMap = """
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"table-cm"},"data":{"a":"1","b":"2"}}""";
        return Stream.of(
                Arguments.of("/apis/apps/v1/namespaces/" + NS + "/deployments", deployment, "table-web",
                        List.of("Name", "Ready", "Up-to-date", "Available", "Age"), "0/2"),
                Arguments.of("/api/v1/namespaces/" + NS + "/pods", pod, "table-pod",
                        List.of("Name", "Ready", "Status", "Restarts", "Age"), "0/1"),
                Arguments.of("/api/v1/namespaces/" + NS + "/configmaps", configMap, "table-cm",
                        List.of("Name", "Data", "Age"), 2));
    }

    @ParameterizedTest(name = "table of {0}")
    @MethodSource("tables")
    void listsAsTable(String collection, String body, String name, List<String> columns, Object secondCell) {
        Reply created = KubeHttp.post(collection, body);
        assertThat(created.code()).as(created.toString()).isIn(201, 409);

        Reply list = KubeHttp.send("GET", collection, null, null, "Accept", TABLE);
        assertThat(list.code()).as(list.toString()).isEqualTo(200);
        JsonNode table = list.json();
        assertThat(table.path("kind").asString()).isEqualTo("Table");
        assertThat(table.path("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        List<String> names = new ArrayList<>();
        table.path("columnDefinitions").forEach(c -> names.add(c.path("name").asString()));
        assertThat(names).containsSubsequence(columns);
        JsonNode row = table.path("rows").get(0);
        assertThat(row.path("cells").get(0).asString()).isEqualTo(name);
        assertThat(row.path("cells").get(1).toString()).isEqualTo(
                secondCell instanceof String s ? "\"" + s + "\"" : secondCell.toString());
        assertThat(row.path("object").path("kind").asString()).isEqualTo("PartialObjectMetadata");

        Reply one = KubeHttp.send("GET", collection + "/" + name, null, null, "Accept", TABLE);
        assertThat(one.code()).as(one.toString()).isEqualTo(200);
        assertThat(one.json().path("rows")).hasSize(1);
    }

    @Test
    void tableRowsCarryWhatIncludeObjectAsks() {
        // a namespace of its own: the table tests above read the first row of their namespace's list
        KubeHttp.createNamespace(NS + "-include");
        String collection = "/api/v1/namespaces/" + NS + "-include/configmaps";
        Reply created = KubeHttp.post(collection,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"include-cm\"},\"data\":{\"k\":\"v\"}}");
        assertThat(created.code()).as(created.toString()).isIn(201, 409);
        String one = collection + "/include-cm?includeObject=";

        JsonNode none = KubeHttp.send("GET", one + "None", null, null, "Accept", TABLE).json();
        assertThat(none.path("rows").get(0).has("object")).isFalse();
        JsonNode metadata = KubeHttp.send("GET", one + "Metadata", null, null, "Accept", TABLE).json();
        assertThat(metadata.path("rows").get(0).path("object").path("kind").asString())
                .isEqualTo("PartialObjectMetadata");
        assertThat(metadata.path("rows").get(0).path("object").has("data")).isFalse();
        JsonNode object = KubeHttp.send("GET", one + "Object", null, null, "Accept", TABLE).json();
        assertThat(object.path("rows").get(0).path("object").path("data").path("k").asString()).isEqualTo("v");

        for (String path : List.of(one + "Everything", collection + "?includeObject=Everything",
                collection + "?watch=true&includeObject=Everything")) {
            Reply bad = KubeHttp.send("GET", path, null, null, "Accept", TABLE);
            assertThat(bad.code()).as(path + " " + bad).isEqualTo(400);
            assertThat(bad.json().path("message").asString()).isEqualTo("Unable to convert to Table as requested: "
                    + "includeObject: Invalid value: \"Everything\": must be 'Metadata', 'Object', 'None', or empty");
        }
    }
}

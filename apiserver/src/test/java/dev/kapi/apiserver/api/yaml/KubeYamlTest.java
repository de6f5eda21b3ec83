package dev.kapi.apiserver.api.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@link KubeYaml} prints what kube-apiserver prints for {@code Accept: application/yaml} (sigs.k8s.io/yaml,
 * go-yaml v2): the expected texts are kube's output for the same JSON.
 */
class KubeYamlTest {

    private static String yaml(String json) {
        return KubeYaml.write(Json.MAPPER.readTree(json));
    }

    @Test
    void anObjectAsKubePrintsIt() {
        String json = """
                {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"default",
                "uid":"2b3d4fc4-2017-404c-bec2-8252473589bd","resourceVersion":"36",
                "creationTimestamp":"2026-12-03T22:17:05Z","labels":{"app.kubernetes.io/name":"web"},
                "managedFields":[{"manager":"curl","operation":"Update","apiVersion":"v1","time":"2026-12-03T22:17:05Z",
                "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:greeting":{}},
                "f:status":{"f:conditions":{"k:{\\"type\\":\\"Ready\\"}":{}}}}}]},
                "data":{"greeting":"hello","replicas":"3","enabled":"true","empty":""}}""";
        assertThat(yaml(json)).isEqualTo("""
                apiVersion: v1
                data:
                  empty: ""
                  enabled: "true"
                  greeting: hello
                  replicas: "3"
                kind: ConfigMap
                metadata:
                  creationTimestamp: "2026-12-03T22:17:05Z"
                  labels:
                    app.kubernetes.io/name: web
                  managedFields:
                  - apiVersion: v1
                    fieldsType: FieldsV1
                    fieldsV1:
                      f:data:
                        .: {}
                        f:greeting: {}
                      f:status:
                        f:conditions:
                          k:{"type":"Ready"}: {}
                    manager: curl
                    operation: Update
                    time: "2026-12-03T22:17:05Z"
                  name: x
                  namespace: default
                  resourceVersion: "36"
                  uid: 2b3d4fc4-2017-404c-bec2-8252473589bd
                """);
    }

    @Test
    void aStatusAsKubePrintsIt() {
        assertThat(yaml("""
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                "message":"configmaps \\"nope\\" not found","reason":"NotFound",
                "details":{"name":"nope","kind":"configmaps"},"code":404}""")).isEqualTo("""
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
    void sequencesUnderAKeyAreNotIndentedAndNestedOnesAre() {
        assertThat(yaml("""
                {"items":[{"b":[1,2],"a":1},"x",[],[3,[4]]],"empty":{},"none":null}""")).isEqualTo("""
                empty: {}
                items:
                - a: 1
                  b:
                  - 1
                  - 2
                - x
                - []
                - - 3
                  - - 4
                none: null
                """);
    }

    @Test
    void keysInGoYamlsNaturalOrder() {
        assertThat(yaml("""
                {"b":1,"a10":1,"a2":1,"A":1,"a":1,"1":1,"_x":1,"x-y":1,"x.y":1,"xy":1}""")).isEqualTo("""
                _x: 1
                "1": 1
                A: 1
                a: 1
                a2: 1
                a10: 1
                b: 1
                x-y: 1
                x.y: 1
                xy: 1
                """);
    }

    static Stream<Arguments> strings() {
        return Stream.of(
                // what YAML 1.1 would read as something else is double-quoted
                Arguments.of("true", "\"true\""), Arguments.of("False", "\"False\""), Arguments.of("yes", "\"yes\""),
                Arguments.of("on", "\"on\""), Arguments.of("N", "\"N\""), Arguments.of("null", "\"null\""),
                Arguments.of("~", "\"~\""), Arguments.of("", "\"\""), Arguments.of("123", "\"123\""),
                Arguments.of("-7", "\"-7\""), Arguments.of("0x1F", "\"0x1F\""), Arguments.of("0777", "\"0777\""),
                Arguments.of("1.5", "\"1.5\""), Arguments.of(".5", "\".5\""), Arguments.of("1e+3", "\"1e+3\""),
                Arguments.of("1_000", "\"1_000\""), Arguments.of("1:30", "\"1:30\""), Arguments.of(".inf", "\".inf\""),
                Arguments.of("2024-01-02", "\"2024-01-02\""), Arguments.of("2024-1-2 3:04:05", "\"2024-1-2 3:04:05\""),
                // ... and what it reads as a string stays plain
                Arguments.of("hello", "hello"), Arguments.of("1e3", "1e3"), Arguments.of("1.2.3", "1.2.3"),
                Arguments.of("100m", "100m"), Arguments.of("10Gi", "10Gi"), Arguments.of("2024-13-02", "2024-13-02"),
                Arguments.of("k:v", "k:v"), Arguments.of("a-b", "a-b"), Arguments.of("x y", "x y"),
                Arguments.of("nginx:1.27", "nginx:1.27"), Arguments.of("héllo", "héllo"), Arguments.of("<<", "<<"),
                Arguments.of("configmaps \"x\" not found", "configmaps \"x\" not found"),
                // indicators and edge spaces: single quotes
                Arguments.of("-", "'-'"), Arguments.of("- x", "'- x'"), Arguments.of("a: b", "'a: b'"),
                Arguments.of("a #b", "'a #b'"), Arguments.of("#x", "'#x'"), Arguments.of("*", "'*'"),
                Arguments.of("{x}", "'{x}'"), Arguments.of("[a]", "'[a]'"), Arguments.of("@x", "'@x'"),
                Arguments.of("it's: x", "'it''s: x'"), Arguments.of(" lead", "' lead'"),
                Arguments.of("trail ", "'trail '"), Arguments.of("---", "'---'"),
                // characters YAML cannot print: double quotes with escapes
                Arguments.of("tab\there", "\"tab\\there\""), Arguments.of("smile \uD83D\uDE00", "\"smile \\U0001F600\""),
                Arguments.of("bell\u0007", "\"bell\\a\""), Arguments.of("del\u007F", "\"del\\x7F\""),
                // line breaks: literal blocks, with kube's chomping
                Arguments.of("a\nb", "|-\n  a\n  b"), Arguments.of("a\nb\n", "|\n  a\n  b"),
                Arguments.of("a\n\n", "|+\n  a\n"), Arguments.of("\nx", "|2-\n\n  x"),
                Arguments.of("a\n\nb", "|-\n  a\n\n  b"), Arguments.of("a \nb", "\"a \\nb\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strings")
    void stringsAreQuotedOnlyWhereKubeQuotesThem(String value, String printed) {
        assertThat(yaml(Json.MAPPER.createObjectNode().put("k", value).put("z", "end").toString()))
                .isEqualTo("k: " + printed + "\nz: end\n");
    }

    @Test
    void numbersAsGoPrintsThem() {
        assertThat(yaml("""
                {"a":1,"b":-5,"c":0.5,"d":1.0,"e":1000000.0,"f":1.5e-7,"g":123456.0,"h":true,"i":9223372036854775807,
                "j":18446744073709551616}""")).isEqualTo("""
                a: 1
                b: -5
                c: 0.5
                d: 1
                e: 1e+06
                f: 1.5e-07
                g: 123456
                h: true
                i: 9223372036854775807
                j: 1.8446744073709552e+19
                """);
    }

    @Test
    void longStringsFoldAtSpacesPastColumnEighty() {
        // kube's CRD schema as kubectl get crd -o yaml prints it
        String description = "APIVersion defines the versioned schema of this representation of an object. "
                + "Servers should convert recognized schemas to the latest internal value, and may reject "
                + "unrecognized values. More info: "
                + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
        String json = Json.MAPPER.createObjectNode().set("a", Json.MAPPER.createObjectNode().set("b",
                Json.MAPPER.createObjectNode().set("c", Json.MAPPER.createObjectNode().set("d",
                        Json.MAPPER.createObjectNode().set("e", Json.MAPPER.createObjectNode().set("f",
                                Json.MAPPER.createObjectNode().put("description", description))))))).toString();
        assertThat(yaml(json)).isEqualTo("""
                a:
                  b:
                    c:
                      d:
                        e:
                          f:
                            description: 'APIVersion defines the versioned schema of this representation
                              of an object. Servers should convert recognized schemas to the latest
                              internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'
                """);
        String plain = "word ".repeat(30).trim();
        assertThat(yaml(Json.MAPPER.createObjectNode().put("k", plain).toString())).isEqualTo(
                "k: " + "word ".repeat(16).trim() + "\n  " + "word ".repeat(14).trim() + "\n");
        // simple keys (up to 128 bytes) never fold
        String key = "word ".repeat(25).trim();
        assertThat(yaml(Json.MAPPER.createObjectNode().put(key, 1).toString())).isEqualTo(key + ": 1\n");
    }

    @Test
    void aKeyLongerThanASimpleKeyIsExplicit() {
        String key = "k".repeat(129);
        assertThat(yaml(Json.MAPPER.createObjectNode().put(key, "v").toString())).isEqualTo("? " + key + "\n: v\n");
    }
}

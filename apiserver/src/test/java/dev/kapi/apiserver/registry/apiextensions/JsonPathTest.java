package dev.kapi.apiserver.registry.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** The JSONPath of printer columns: what each form finds, and which texts are refused. */
class JsonPathTest {

    private static final JsonNode OBJ = Json.object("""
            {"spec":{"replicas":3,"a.b":"dotted","items":[{"name":"x"},{"name":"y"}]},
             "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Synced","status":"False"}]}}
            """.getBytes(StandardCharsets.UTF_8));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            ".spec.replicas | 3",
            "{.spec.replicas} | 3",
            ".spec['a.b'] | dotted",
            ".spec.items[0].name | x",
            ".spec.items[-1].name | y",
            ".spec.items[*].name | x,y",
            ".status.conditions[?(@.type==\"Ready\")].status | True",
            ".status.conditions[?(@.type!=\"Ready\")].type | Synced",
            ".spec.missing | ''",
            ".spec.items[5].name | ''",
    })
    void finds(String path, String expected) {
        List<JsonNode> found = JsonPath.compile(path).find(OBJ);
        assertThat(String.join(",", found.stream().map(JsonNode::asString).toList())).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spec.replicas | must be a json path starting with . or [",
            ".spec..replicas | unexpected '.' at 5",
            ".spec.items[x] | invalid array index x",
            ".spec.items[0 | unterminated array",
            ".spec.items[?(@.a>1)] | unsupported filter @.a>1",
    })
    void refuses(String path, String problem) {
        assertThat(JsonPath.problem(path)).isEqualTo(problem);
    }

    @ParameterizedTest
    @CsvSource({".spec.replicas,true", ".spec.items[0],false", "spec.replicas,false", ".status.replicas,true"})
    void simplePathsHaveFieldsOnly(String path, boolean simple) {
        assertThat(JsonPath.isSimple(path)).isEqualTo(simple);
    }
}

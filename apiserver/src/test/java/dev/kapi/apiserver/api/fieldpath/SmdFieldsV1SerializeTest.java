package dev.kapi.apiserver.api.fieldpath;

import dev.kapi.apiserver.api.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FieldsV1 reading and writing against the cases of structured-merge-diff's
 * {@code fieldpath/serialize_test.go} at commit 15d0754 (copied verbatim into
 * {@code src/test/resources/smd-fieldsv1/serialize.yaml}): golden sets written back byte for byte in smd's
 * order, non-normalized JSON read as its normalized form, unknown element kinds dropped, {@code null} an empty
 * set, and the JSON that is no field set refused. (smd's JSON syntax errors are the JSON parser's here:
 * {@link FieldsV1#toSet} takes a parsed tree.)
 */
class SmdFieldsV1SerializeTest {

    @TestFactory
    Stream<DynamicTest> serializeCases() throws IOException {
        JsonNode doc = load();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : doc.get("golden")) {
            String json = c.get("json").asString();
            tests.add(DynamicTest.dynamicTest(c.get("source").asString(), () ->
                    assertThat(Json.string(FieldsV1.of(FieldsV1.toSet(tree(json))))).isEqualTo(json)));
        }
        for (String kind : List.of("normalized", "dropUnknown")) {
            for (JsonNode c : doc.get(kind)) {
                String json = c.get("json").asString();
                String normalized = c.get("normalized").asString();
                tests.add(DynamicTest.dynamicTest(c.get("source").asString(), () -> {
                    FieldSet set = FieldsV1.toSet(tree(json));
                    assertThat(Json.string(FieldsV1.of(set))).isEqualTo(normalized);
                    if (kind.equals("normalized")) {
                        assertThat(set).isEqualTo(FieldsV1.toSet(tree(normalized)));
                    }
                }));
            }
        }
        for (JsonNode c : doc.get("empty")) {
            String json = c.get("json").asString();
            tests.add(DynamicTest.dynamicTest(c.get("source").asString(), () -> {
                FieldSet set = FieldsV1.toSet(tree(json));
                assertThat(set.isEmpty()).isTrue();
                assertThat(set).isEqualTo(FieldSet.empty());
                assertThat(Json.string(FieldsV1.of(set))).isEqualTo("{}");
            }));
        }
        for (JsonNode c : doc.get("invalid")) {
            String json = c.get("json").asString();
            tests.add(DynamicTest.dynamicTest(c.get("source").asString(), () ->
                    assertThatThrownBy(() -> FieldsV1.toSet(tree(json))).isInstanceOf(RuntimeException.class)));
        }
        return tests.stream();
    }

    private static JsonNode tree(String json) {
        return Json.MAPPER.readTree(json);
    }

    private static JsonNode load() throws IOException {
        try (InputStream in = SmdFieldsV1SerializeTest.class.getResourceAsStream("/smd-fieldsv1/serialize.yaml")) {
            return Json.MAPPER.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        }
    }
}

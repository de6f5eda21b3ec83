package dev.kapi.apiserver.registry.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Validation ratcheting on updates: an object stored before its schema got stricter may still be updated
 * where the update leaves its invalid values alone; changing them, or invalid list items, is still refused.
 */
class RatchetingTest {

    private static final VersionRules RULES = new VersionRules(json("""
            {"type":"object","properties":{"spec":{"type":"object","required":["owner"],"properties":{
              "owner":{"type":"string"},"size":{"type":"integer","maximum":10},"color":{"type":"string","enum":["red"]},
              "note":{"type":"string"},"items":{"type":"array","items":{"type":"integer","maximum":5}}}}}}"""));

    private static JsonNode json(String text) {
        return Json.object(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode obj(String spec) {
        return json("{\"apiVersion\":\"x.kapi.dev/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"x\"},\"spec\":" + spec + "}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // old spec | new spec | errors left
            "{\"owner\":\"a\",\"size\":20} | {\"owner\":\"a\",\"size\":20,\"note\":\"n\"} | ''",
            "{\"owner\":\"a\",\"size\":20} | {\"owner\":\"a\",\"size\":21} | spec.size: Invalid value: 21: spec.size in body should be less than or equal to 10",
            "{\"owner\":\"a\",\"color\":\"blue\"} | {\"owner\":\"b\",\"color\":\"blue\"} | ''",
            "{\"owner\":\"a\",\"color\":\"blue\"} | {\"owner\":\"a\",\"color\":\"green\"} | spec.color: Unsupported value: \"green\": supported values: \"red\"",
            "{\"size\":1} | {\"size\":1} | ''",
            "{\"size\":1} | {\"size\":2} | spec.owner: Required value",
            "{\"owner\":\"a\",\"items\":[9]} | {\"owner\":\"a\",\"items\":[9],\"note\":\"n\"} | spec.items[0]: Invalid value: 9: spec.items[0] in body should be less than or equal to 5",
    })
    void unchangedInvalidValuesPass(String oldSpec, String newSpec, String errors) {
        List<String> left = RULES.validate(obj(newSpec), obj(oldSpec)).stream().map(FieldError::toString).toList();
        assertThat(String.join("; ", left)).isEqualTo(errors);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"owner\":\"a\",\"size\":20}", "{\"size\":1}"})
    void aCreateIsNeverRatcheted(String spec) {
        assertThat(RULES.validate(obj(spec), null)).isNotEmpty();
    }
}

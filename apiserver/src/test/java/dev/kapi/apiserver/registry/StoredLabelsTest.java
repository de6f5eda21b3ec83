package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The labels read from stored JSON are the ones a decode finds; what it cannot read is left to the decode. */
class StoredLabelsTest {

    private static final String CM = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":";

    @ParameterizedTest
    @ValueSource(strings = {
            CM + "{\"labels\":{\"app\":\"web\",\"tier\":\"\"},\"name\":\"a\"},\"data\":{\"labels\":\"no\"}}",
            CM + "{\"name\":\"a\"}}",
            CM + "{}}",
            CM + "{\"labels\":null,\"name\":\"a\"}}",
            CM + "{\"labels\":{},\"name\":\"a\"}}",
            CM + "{\"annotations\":{\"labels\":\"x\"},\"managedFields\":[{\"fieldsV1\":{\"f:metadata\":{\"f:labels\":"
                    + "{\"f:app\":{}}}}}],\"labels\":{\"é\":\"日本\"},\"name\":\"a\"}}",
            CM + "{\"labels\":{\"a\":\"1\",\"a\":\"2\"},\"name\":\"a\"}}",
            CM + "{\"labels\":{\"a\":\"1\"},\"name\":\"a\",\"labels\":{\"b\":\"2\"}}}",
            "{\"data\":{\"metadata\":\"{}\"},\"immutable\":true,\"metadata\":{\"labels\":{\"x\":\"y\"}},\"kind\":\"ConfigMap\"}",
            " { \"metadata\" : { \"labels\" : { \"x\" : \"y\" } } } "})
    void theLabelsAreTheDecodedObjects(String json) {
        byte[] stored = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> decoded = Json.read(stored, ConfigMap.class).getMetadata().getLabels();

        assertThat(StoredLabels.of(stored)).isEqualTo(decoded == null ? Map.of() : decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{\"apiVersion\":\"v1\"}",
            CM + "null}",
            CM + "{\"labels\":{\"a\":1}}}",
            CM + "{\"labels\":{\"a\":null}}}",
            CM + "{\"labels\":[\"a\"]}}",
            CM + "{\"labels\":{\"a\":\"b\"",
            "not json"})
    void whatItCannotReadIsLeftToTheDecode(String json) {
        assertThat(StoredLabels.of(json.getBytes(StandardCharsets.UTF_8))).isNull();
    }
}

package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served JSON spliced from a stored value is byte for byte what decoding and re-encoding it answers; a
 * value the splice cannot prove (another writer's order, spacing, escapes, fields) is left to the decode.
 */
class StoredJsonTest {

    private static final String CM = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":";
    private static final String MANAGED = "[{\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
            + "{\"f:data\":{\".\":{},\"f:a\":{}}},\"manager\":\"kubectl\",\"operation\":\"Update\","
            + "\"time\":\"2026-01-01T00:00:00Z\"}]";

    /** Objects as the store writes them: encoded from the decoded request. The splice must serve them. */
    static Stream<Arguments> writtenByTheStore() {
        return Stream.of(
                Arguments.of(ConfigMap.class, CM + "{\"name\":\"a\",\"namespace\":\"ns\"},\"data\":{\"k\":\"v\"}}"),
                Arguments.of(ConfigMap.class, CM + "{\"name\":\"a\"}}"),
                Arguments.of(ConfigMap.class, CM + "{}}"),
                Arguments.of(ConfigMap.class, CM + "{},\"data\":{\"}\":\"{\\\"\"}}"),
                Arguments.of(ConfigMap.class, CM + "{\"uid\":\"u-1\"}}"),
                Arguments.of(ConfigMap.class, CM + "{\"annotations\":{\"a\":\"quote \\\" backslash \\\\ tab \\t nl \\n"
                        + " bell \\u0007 del \\u007f slash / \\u2028 é 日本 😀\"},\"labels\":{\"z\":\"1\",\"a\":\"2\"},"
                        + "\"name\":\"ünï\",\"uid\":\"x\"},\"data\":{\"z\":\"1\",\"a\":\"\\u0000\",\"m\":\"\"}}"),
                Arguments.of(ConfigMap.class, CM + "{\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
                        + "\"deletionGracePeriodSeconds\":9223372036854775807,\"finalizers\":[\"f/x\"],"
                        + "\"generateName\":\"g-\",\"generation\":-9223372036854775808,\"managedFields\":" + MANAGED
                        + ",\"name\":\"n\",\"namespace\":\"ns\",\"ownerReferences\":[{\"apiVersion\":\"v1\","
                        + "\"blockOwnerDeletion\":true,\"controller\":false,\"kind\":\"Pod\",\"name\":\"p\",\"uid\":\"u\"}],"
                        + "\"uid\":\"u2\"},\"binaryData\":{\"b\":\"AAE=\"},\"data\":{},\"immutable\":true}"),
                Arguments.of(Pod.class, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"app\":\"x\"},"
                        + "\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"containers\":[{\"image\":\"i\",\"name\":\"c\","
                        + "\"resources\":{\"limits\":{\"cpu\":\"100m\",\"memory\":\"1Gi\"}}}],\"priority\":2147483647,"
                        + "\"volumes\":[{\"emptyDir\":{},\"name\":\"v\"}]},\"status\":{\"phase\":\"Pending\"}}"),
                Arguments.of(GenericKubernetesResource.class, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                        + "\"metadata\":{\"name\":\"w\"},\"spec\":{\"big\":123456789012345678901234567890,"
                        + "\"n\":-5,\"z\":{\"b\":[1,true,false,\"s\"],\"a\":{}}}}"));
    }

    @ParameterizedTest
    @MethodSource("writtenByTheStore")
    void theSpliceServesWhatTheDecodeServes(Class<? extends HasMetadata> type, String json) {
        byte[] stored = ObjectCodec.encode(Json.read(json.getBytes(StandardCharsets.UTF_8), type));
        KeyValue kv = new KeyValue("/k", stored, 5, 1234567);

        assertThat(StoredJson.plain(stored)).as("plain").isTrue();
        StoredJson spliced = StoredJson.of(stored, kv.modRevision(), "v1", kindOf(json));

        assertThat(spliced).as("served without decoding: %s", new String(stored, StandardCharsets.UTF_8)).isNotNull();
        assertThat(new String(spliced.bytes(), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.bytes(ObjectCodec.decode(kv, type)), StandardCharsets.UTF_8));
        assertThat(spliced.length()).isEqualTo(spliced.bytes().length);
        // a list item of a built-in kind: the same JSON from "metadata" on (each splice position this test covers)
        String served = new String(spliced.bytes(), StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream untyped = new java.io.ByteArrayOutputStream();
        try {
            spliced.writeUntypedTo(untyped);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(untyped.toString(StandardCharsets.UTF_8))
                .isEqualTo("{" + served.substring(served.indexOf("\"metadata\":{")));
        assertThat(kv.memo()).isEqualTo(KeyValue.NO_MEMO);
        assertThat(StoredJson.of(kv, "v1", kindOf(json)).bytes()).as("from the entry").isEqualTo(spliced.bytes());
        assertThat(kv.memo()).as("kept with the entry").isNotEqualTo(KeyValue.NO_MEMO);
        assertThat(StoredJson.of(kv, "v1", kindOf(json)).bytes()).as("from the kept splice").isEqualTo(spliced.bytes());
        assertThat(StoredJson.of(kv, "v2", kindOf(json))).as("another version, same entry").isNull();
    }

    /** Stored values this server never writes: the splice declines, so the answer stays the decode's. */
    static Stream<String> notProvable() {
        return Stream.of(
                "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}",
                CM + "{\"namespace\":\"ns\",\"name\":\"a\"}}",
                CM + "{\"name\":\"a\",\"name\":\"b\"}}",
                CM + "{\"name\":\"a\",\"resourceVersion\":\"7\"}}",
                CM + "{\"name\":\"a\",\"selfLink\":\"/x\"}}",
                CM + "{\"name\":\"a\",\"zzz\":\"unknown\"}}",
                CM + "{\"clusterName\":\"c\",\"name\":\"a\"}}",
                "{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"a\"}}",
                "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":null}",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{},\"metadata\":{\"name\":\"a\"}}",
                "{\"apiVersion\": \"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}",
                CM + "{\"name\":\"a\"},\"data\":{\"k\": \"v\"}}",
                CM + "{\"name\":\"a\"},\n\"data\":{\"k\":\"v\"}}",
                CM + "{\"name\":\"\\u0041\"}}",
                CM + "{\"name\":\"a\\/b\"}}",
                CM + "{\"name\":\"a\"},\"data\":{\"k\":\"\\u000a\"}}",
                CM + "{\"name\":\"a\"},\"data\":{\"k\":\"\\u001f\"}}",
                CM + "{\"name\":\"a\"},\"data\":{\"k\":null}}",
                CM + "{\"finalizers\":[],\"name\":\"a\"}}",
                CM + "{\"generation\":1.0,\"name\":\"a\"}}",
                CM + "{\"generation\":1e2,\"name\":\"a\"}}",
                CM + "{\"generation\":-0,\"name\":\"a\"}}",
                CM + "{\"name\":\"a\"",
                CM + "{\"name\":\"a\",",
                CM + "{\"name\":\"a",
                CM + "{\"name\":{\"x\":[1,2}",
                CM + "{\"na\\\"me\":\"a\"}}",
                CM + "[\"name\"]}",
                CM + "{\"name\"\"a\"}}",
                CM);
    }

    @ParameterizedTest
    @MethodSource("notProvable")
    void aValueTheSpliceCannotProveIsLeftToTheDecode(String json) {
        assertThat(StoredJson.of(json.getBytes(StandardCharsets.UTF_8), 9, "v1", "ConfigMap")).isNull();
        KeyValue kv = new KeyValue("/k", json.getBytes(StandardCharsets.UTF_8), 1, 9);
        assertThat(StoredJson.of(kv, "v1", "ConfigMap")).isNull();
        assertThat(StoredJson.of(kv, "v1", "ConfigMap")).as("again, with what the first read kept").isNull();
    }

    /** A null is kept by a decode only where the mapper writes one: an unset time (GoZeroValues). */
    @Test
    void aNullIsPlainOnlyAsAnUnsetTime() {
        assertThat(StoredJson.plain((CM + "{\"name\":\"a\"},\"x\":{\"lastProbeTime\":null}}")
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(StoredJson.plain((CM + "{\"name\":\"a\"},\"x\":{\"probeTime\":null}}")
                .getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StoredJson.plain((CM + "{\"name\":\"a\"},\"x\":{\"lastProbeTime\":nul")
                .getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StoredJson.plain("[null]".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    /** Jackson writes the control characters it escapes as the splice expects (uppercase hex, short forms). */
    @ParameterizedTest
    @MethodSource("controlCharacters")
    void jacksonsEscapesAreTheOnesTheSpliceAccepts(char c) {
        ConfigMap cm = Json.read((CM + "{\"name\":\"a\"}}").getBytes(StandardCharsets.UTF_8), ConfigMap.class);
        cm.setData(java.util.Map.of("k", "x" + c + "y"));
        byte[] stored = ObjectCodec.encode(cm);
        assertThat(StoredJson.plain(stored)).as(new String(stored, StandardCharsets.UTF_8)).isTrue();
        KeyValue kv = new KeyValue("/k", stored, 1, 2);
        assertThat(StoredJson.of(stored, 2, "v1", "ConfigMap").bytes())
                .isEqualTo(Json.bytes(ObjectCodec.decode(kv, ConfigMap.class)));
    }

    static Stream<Character> controlCharacters() {
        return Stream.iterate((char) 0, c -> c < 0x20 || c == '"' || c == '\\' || c == 0x7f,
                c -> (char) (c < 0x1f ? c + 1 : c == 0x1f ? '"' : c == '"' ? '\\' : 0x7f == c ? 0x80 : 0x7f));
    }

    private static String kindOf(String json) {
        return json.startsWith("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"") ? "Pod" : "ConfigMap";
    }
}

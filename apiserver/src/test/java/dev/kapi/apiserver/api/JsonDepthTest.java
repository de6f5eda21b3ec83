package dev.kapi.apiserver.api;

import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import dev.kapi.apiserver.registry.ObjectCodec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An object nested deeper than every answer can carry is refused when written (a 400), whether it came so deep
 * in a body or a patch built it; one just under the limit is stored, and its answers stay within Jackson's 500.
 */
class JsonDepthTest {

    @Test
    void depthCountsBracketsOutsideStrings() {
        assertThat(JsonDepth.of(bytes("1"))).isZero();
        assertThat(JsonDepth.of(bytes("{\"a\":[{}],\"b\":\"[[[{{{\\\"]]]\"}"))).isEqualTo(3);
        assertThat(JsonDepth.of(Json.MAPPER.readTree("{\"a\":[{}],\"b\":\"[[[\"}"))).isEqualTo(3);
        assertThat(JsonDepth.of(Json.MAPPER.readTree(nested(300)))).isEqualTo(301);
    }

    @Test
    void anObjectTooDeepToAnswerIsRefusedWhenWrittenAndOneJustUnderIsStored() {
        assertThat(JsonDepth.of(ObjectCodec.encode(widget(470)))).isLessThanOrEqualTo(JsonDepth.MAX_STORED);
        assertThatThrownBy(() -> ObjectCodec.encode(widget(495)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status().getMessage()).contains("more than the 490 levels the server stores");
                });
    }

    @Test
    void aPatchThatNestsPastTheLimitIsRefusedBeforeAnythingWalksIt() {
        JsonNode original = Json.MAPPER.readTree("{\"apiVersion\":\"ex.com/v1\",\"kind\":\"Widget\","
                + "\"metadata\":{\"name\":\"w\"},\"spec\":" + nested(300) + "}");
        String deepPath = "/spec" + "/a".repeat(300);
        String patch = "[{\"op\":\"add\",\"path\":\"" + deepPath + "\",\"value\":" + nested(300) + "}]";
        assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH, original, bytes(patch), null))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    private static GenericKubernetesResource widget(int depth) {
        GenericKubernetesResource w = new GenericKubernetesResource();
        w.setApiVersion("ex.com/v1");
        w.setKind("Widget");
        w.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("w").build());
        Map<String, Object> spec = new HashMap<>();
        Map<String, Object> at = spec;
        for (int i = 0; i < depth; i++) {
            Map<String, Object> next = new HashMap<>();
            at.put("a", next);
            at = next;
        }
        w.setAdditionalProperty("spec", spec);
        return w;
    }

    /** {@code {"a":{"a":...{}}}}, {@code levels} objects inside the outer one. */
    private static String nested(int levels) {
        return "{\"a\":".repeat(levels) + "{}" + "}".repeat(levels);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

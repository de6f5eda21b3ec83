package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A JSON patch may copy at most kube's 3 MiB: a small patch that doubles the object round after round is refused
 * with a 422 before it fills the heap; ordinary copies and moves still apply. Malformed array indexes are a 422 too.
 */
class CopyLimitedJsonPatchTest {

    private static final JsonNode CONFIG_MAP = Json.MAPPER.readTree("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{"k":"v"}}""");

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aPatchThatDoublesTheObjectRoundAfterRoundIsRefused() {
        List<String> ops = new ArrayList<>();
        ops.add("{\"op\":\"add\",\"path\":\"/metadata/zza\",\"value\":\"" + "x".repeat(64) + "\"}");
        for (int round = 0; round < 40; round++) { // 64 bytes * 2^40 without the limit
            ops.add("{\"op\":\"add\",\"path\":\"/metadata/zzt\",\"value\":{}}");
            ops.add("{\"op\":\"copy\",\"from\":\"/metadata/zza\",\"path\":\"/metadata/zzt/l\"}");
            ops.add("{\"op\":\"copy\",\"from\":\"/metadata/zza\",\"path\":\"/metadata/zzt/r\"}");
            ops.add("{\"op\":\"move\",\"from\":\"/metadata/zzt\",\"path\":\"/metadata/zza\"}");
        }
        assertThatThrownBy(() -> jsonPatch("[" + String.join(",", ops) + "]"))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(422)); // kube's bare 422
    }

    @Test
    void copiesAndMovesWithinTheLimitApply() {
        JsonNode patched = jsonPatch("""
                [{"op":"copy","from":"/data/k","path":"/data/k2"},{"op":"move","from":"/data/k","path":"/data/k3"},
                 {"op":"copy","from":"/data","path":"/metadata/annotations"}]""");
        assertThat(patched.get("data").toString()).isEqualTo("{\"k2\":\"v\",\"k3\":\"v\"}");
        assertThat(patched.get("metadata").get("annotations").toString()).isEqualTo("{\"k2\":\"v\",\"k3\":\"v\"}");
        assertThat(CONFIG_MAP.get("data").toString()).as("the original is left alone").isEqualTo("{\"k\":\"v\"}");
    }

    @Test
    void malformedArrayIndexesAreUnprocessable() {
        for (String index : List.of("-1", "00", "+1", "1e0")) {
            assertThatThrownBy(() -> jsonPatch("[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[]},"
                    + "{\"op\":\"add\",\"path\":\"/metadata/finalizers/" + index + "\",\"value\":\"x\"}]"))
                    .as(index).isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(422));
        }
    }

    @Test
    void sizesAreAboutTheCompactJsonAndStopPastTheBudget() {
        JsonNode node = Json.MAPPER.readTree("{\"a\":[1,\"xy\",true,null],\"b\":{}}");
        assertThat(CopyLimitedJsonPatch.sizeAtMost(node, 1000)).isBetween((long) node.toString().length() - 4,
                (long) node.toString().length() + 8);
        assertThat(CopyLimitedJsonPatch.sizeAtMost(node, 3)).isGreaterThan(3).isLessThan(20);
    }

    private static JsonNode jsonPatch(String patch) {
        return Patches.apply(PatchType.JSON_PATCH, CONFIG_MAP, patch.getBytes(StandardCharsets.UTF_8), null);
    }
}

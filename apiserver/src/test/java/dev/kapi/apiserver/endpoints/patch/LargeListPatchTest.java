package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strategic merge patches of long lists take time in proportion to the lists, not their square: a 3-MB body of
 * 200,000 finalizers held a core for minutes when each item was looked up by scanning the merged list.
 */
class LargeListPatchTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aPrimitiveListOfTwoHundredThousandItemsMergesInLinearTime() {
        JsonNode original = Json.MAPPER.readTree("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","finalizers":["x/0","x/1"]}}""");
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 200_000; i++) {
            items.add("\"x/" + (i % 100_000) + "\"");
        }
        JsonNode patched = Patches.apply(PatchType.STRATEGIC, original,
                ("{\"metadata\":{\"finalizers\":" + items + "}}").getBytes(StandardCharsets.UTF_8),
                BuiltInSchemas.of(ConfigMap.class));
        JsonNode finalizers = patched.get("metadata").get("finalizers");
        assertThat(finalizers.size()).as("a union: each value once").isEqualTo(100_000);
        assertThat(finalizers.get(0).stringValue()).isEqualTo("x/0");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aListOfObjectsMergedByKeyAndDeletedByDirectiveInLinearTime() {
        StringJoiner live = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 50_000; i++) {
            live.add("{\"type\":\"T" + i + "\",\"status\":\"False\"}");
        }
        JsonNode original = Json.MAPPER.readTree("{\"metadata\":{\"name\":\"p\"},\"status\":{\"conditions\":"
                + live + "}}");
        StringJoiner patch = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 50_000; i += 2) {
            patch.add("{\"type\":\"T" + i + "\",\"status\":\"True\"}");
            patch.add("{\"type\":\"T" + (i + 1) + "\",\"$patch\":\"delete\"}");
        }
        for (int i = 50_000; i < 100_000; i++) {
            patch.add("{\"type\":\"T" + i + "\",\"status\":\"Unknown\"}");
        }
        JsonNode patched = Patches.apply(PatchType.STRATEGIC, original,
                ("{\"status\":{\"conditions\":" + patch + "}}").getBytes(StandardCharsets.UTF_8),
                BuiltInSchemas.of(Pod.class));
        JsonNode conditions = patched.get("status").get("conditions");
        assertThat(conditions.size()).isEqualTo(25_000 + 50_000);
        assertThat(conditions.get(0).toString()).isEqualTo("{\"type\":\"T0\",\"status\":\"True\"}");
        assertThat(conditions.get(1).get("type").stringValue()).isEqualTo("T2");
    }
}

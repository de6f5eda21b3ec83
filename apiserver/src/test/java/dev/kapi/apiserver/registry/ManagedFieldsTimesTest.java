package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update that changes only managedFields times keeps the stored times and bytes; any other change (a value,
 * an entry added, an entry's fields) keeps the new times, as kube's IgnoreManagedFieldsTimestampsTransformer.
 */
class ManagedFieldsTimesTest {

    private static final String BEFORE = "2020-01-01T00:00:00Z";
    private static final String NOW = "2026-12-07T01:00:00Z";

    @Test
    void onlyNewTimesAreTheStoredTimesAndBytes() {
        ConfigMap old = map("v", entry("a", BEFORE, "f:x"), entry("b", BEFORE, "f:y"));
        ConfigMap updated = map("v", entry("a", NOW, "f:x"), entry("b", BEFORE, "f:y"));
        byte[] current = Json.bytes(old);

        assertThat(ManagedFieldsTimes.encode(updated, old, current, Json::bytes)).isEqualTo(current);
        assertThat(updated.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getTime)
                .containsExactly(BEFORE, BEFORE);
    }

    @Test
    void aChangedValueKeepsTheNewTimes() {
        ConfigMap old = map("v", entry("a", BEFORE, "f:x"));
        ConfigMap updated = map("w", entry("a", NOW, "f:x"));

        byte[] bytes = ManagedFieldsTimes.encode(updated, old, Json.bytes(old), Json::bytes);
        assertThat(bytes).isEqualTo(Json.bytes(updated));
        assertThat(updated.getMetadata().getManagedFields().get(0).getTime()).isEqualTo(NOW);
    }

    @Test
    void anEntryAddedOrChangedIsAChange() {
        ConfigMap old = map("v", entry("a", BEFORE, "f:x"));
        ConfigMap added = map("v", entry("a", NOW, "f:x"), entry("b", NOW, "f:x"));
        ConfigMap moved = map("v", entry("a", NOW, "f:y"));
        ConfigMap renamed = map("v", entry("c", NOW, "f:x"));
        for (ConfigMap updated : List.of(added, moved, renamed)) {
            assertThat(ManagedFieldsTimes.encode(updated, old, Json.bytes(old), Json::bytes))
                    .isEqualTo(Json.bytes(updated));
            assertThat(updated.getMetadata().getManagedFields().get(0).getTime()).isEqualTo(NOW);
        }
    }

    @Test
    void onlyTimesDifferNeedsEqualNonEmptyListsWithSomeTimeChanged() {
        List<ManagedFieldsEntry> one = List.of(entry("a", BEFORE, "f:x"));
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(List.of(entry("a", NOW, "f:x")), one)).isTrue();
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(List.of(entry("a", BEFORE, "f:x")), one)).isFalse();
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(List.of(), List.of())).isFalse();
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(null, one)).isFalse();
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(List.of(entry("a", NOW, "f:x")), null)).isFalse();
        ManagedFieldsEntry otherOperation = entry("a", NOW, "f:x");
        otherOperation.setOperation("Update");
        assertThat(ManagedFieldsTimes.onlyTimesDiffer(List.of(otherOperation), one)).isFalse();
    }

    private static ConfigMap map(String value, ManagedFieldsEntry... entries) {
        return new ConfigMapBuilder().withNewMetadata().withName("m").withNamespace("ns")
                .withManagedFields(new ArrayList<>(List.of(entries))).endMetadata()
                .withData(Map.of("x", value)).build();
    }

    private static ManagedFieldsEntry entry(String manager, String time, String field) {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:data", Map.of(field, Map.of()));
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Apply").withApiVersion("v1")
                .withFieldsType("FieldsV1").withFieldsV1(fields).withTime(time).build();
    }
}

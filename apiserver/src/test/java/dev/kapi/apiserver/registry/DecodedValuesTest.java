package dev.kapi.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.TestStores;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodedValuesTest {

    @TempDir
    Path dir;

    private static KeyValue value(String name, long revision) {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\"}}";
        return new KeyValue("/registry/configmaps/ns/" + name, json.getBytes(StandardCharsets.UTF_8), revision,
                revision);
    }

    private static DecodedValues<ConfigMap> configMapValues(Storage storage) {
        Store<ConfigMap> store = TestStores.of(storage, "/registry").find("", "v1", "configmaps", ConfigMap.class)
                .orElseThrow();
        return new DecodedValues<>(store);
    }

    @Test
    void aChangeIsDecodedOnceForEveryWatchAndForgottenWhenNoWatchAskedForItAWhile() {
        try (Storage storage = SqliteStorage.open(dir.resolve("state.db"))) {
            DecodedValues<ConfigMap> values = configMapValues(storage);
            KeyValue a = value("a", 2);
            SharedObject first = values.get(a);
            assertThat(first.object().getMetadata().getName()).isEqualTo("a");
            assertThat(values.get(a)).isSameAs(first);
            values.get(value("b", 3));
            assertThat(values.size()).isEqualTo(2);

            values.dropIdle(System.nanoTime() + DecodedValues.IDLE.toNanos() / 2);
            assertThat(values.size()).isEqualTo(2);
            values.dropIdle(System.nanoTime() + DecodedValues.IDLE.toNanos());
            assertThat(values.size()).isZero();
            assertThat(values.get(a)).isNotSameAs(first);
        }
    }

    @Test
    void aValueAskedForAgainStaysWhileOneNotAskedForIsDropped() throws InterruptedException {
        try (Storage storage = SqliteStorage.open(dir.resolve("state.db"))) {
            DecodedValues<ConfigMap> values = configMapValues(storage);
            KeyValue a = value("a", 2);
            SharedObject first = values.get(a);
            values.get(value("b", 3));
            Thread.sleep(5);
            long before = System.nanoTime();
            assertThat(values.get(a)).isSameAs(first); // asked for again: idle from now on

            values.dropIdle(before + DecodedValues.IDLE.toNanos() - 1);
            assertThat(values.size()).isEqualTo(1);
            assertThat(values.get(a)).isSameAs(first);
        }
    }
}

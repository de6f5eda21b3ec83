package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.TestStores;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A watch whose reader does not keep up is ended once its queued changes hold more than
 * {@link StoreWatch#MAX_QUEUED_BYTES} of stored values, not only after {@link StoreWatch#CAPACITY} changes;
 * what was queued is still read, in order, and read changes no longer count.
 */
class StoreWatchBoundsTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aWatchHoldingTooManyBytesOfQueuedChangesEndsAfterWhatItQueued() throws Exception {
        try (Storage storage = SqliteStorage.open(dir.resolve("state.db"))) {
            StoreWatch<ConfigMap> watch = new StoreWatch<>(configMaps(storage), everything(), w -> { });
            int fit = (int) (StoreWatch.MAX_QUEUED_BYTES / MIB);
            for (int i = 1; i <= fit; i++) {
                watch.offer(added(i, MIB));
            }
            assertThat(watch.isClosed()).isFalse();
            watch.offer(added(fit + 1, MIB)); // past the bound: the watch ends, this change is not queued
            watch.offer(added(fit + 2, 10));

            List<String> read = new ArrayList<>();
            while (watch.hasPending()) {
                watch.poll(0).forEach(e -> read.add(((ConfigMap) e.object()).getMetadata().getName()));
            }
            assertThat(read).hasSize(fit).first().isEqualTo("cm-1");
            assertThat(read).last().isEqualTo("cm-" + fit);
            assertThat(watch.isClosed()).isTrue();
        }
    }

    @Test
    void changesReadNoLongerCountAgainstTheBound() throws Exception {
        try (Storage storage = SqliteStorage.open(dir.resolve("state.db"))) {
            StoreWatch<ConfigMap> watch = new StoreWatch<>(configMaps(storage), everything(), w -> { });
            int read = 0;
            for (int i = 1; i <= 100; i++) { // 100 MiB in all, never more than 1 MiB waiting
                watch.offer(added(i, MIB));
                read += watch.poll(0, 1).size();
            }
            assertThat(read).isEqualTo(100);
            assertThat(watch.isClosed()).isFalse();
            watch.close();
        }
    }

    private static Store<ConfigMap> configMaps(Storage storage) {
        return TestStores.of(storage, "/registry").find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
    }

    private static WatchParams<ConfigMap> everything() {
        return new WatchParams<>(null, "", "", false, null);
    }

    /** An ADDED change of ConfigMap {@code cm-<i>} whose stored JSON is {@code bytes} long (at least its frame). */
    private static WatchEvent added(long i, int bytes) {
        String head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i
                + "\",\"namespace\":\"ns\"},\"data\":{\"k\":\"";
        String json = head + "x".repeat(Math.max(0, bytes - head.length() - 3)) + "\"}}";
        KeyValue kv = new KeyValue("/registry/configmaps/ns/cm-" + i, json.getBytes(StandardCharsets.UTF_8), i, i);
        return new WatchEvent(WatchEvent.Type.ADDED, kv, null, i, null);
    }
}

package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apiserver_storage_size_bytes: there with each answer, left out while the storage does not tell its size. */
class StorageSizeTest {

    @TempDir
    Path dir;

    @Test
    void theGaugeFollowsTheStorageAndIsLeftOutWhileItDoesNotAnswer() {
        AtomicLong size = new AtomicLong(-1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SqliteStorage sqlite = SqliteStorage.open(dir.resolve("kapi.db"));
             StorageSize metric = new StorageSize(new ForwardingStorage(sqlite) {
            @Override
            public long sizeBytes() {
                if (size.get() == -2) {
                    throw new IllegalStateException("storage is closed");
                }
                return size.get();
            }
        }, meters, "etcd-0", Duration.ZERO)) {
            metric.read();
            assertThat(meters.find("apiserver.storage.size.bytes").gauge()).isNull();

            size.set(4096);
            metric.read();
            assertThat(meters.get("apiserver.storage.size.bytes").tag("storage_cluster_id", "etcd-0").gauge().value())
                    .isEqualTo(4096);
            size.set(8192);
            metric.read();
            assertThat(meters.get("apiserver.storage.size.bytes").gauge().value()).isEqualTo(8192);

            size.set(-1);
            metric.read();
            assertThat(meters.find("apiserver.storage.size.bytes").gauge()).isNull();

            size.set(12288);
            metric.read();
            assertThat(meters.get("apiserver.storage.size.bytes").gauge().value()).isEqualTo(12288);

            size.set(-2); // a failure thrown, not told
            metric.read();
            assertThat(meters.find("apiserver.storage.size.bytes").gauge()).isNull();
        }
    }
}

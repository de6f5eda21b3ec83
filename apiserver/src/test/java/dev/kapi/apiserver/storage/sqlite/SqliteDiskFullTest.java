package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.testing.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store on a disk that fills up (a real tmpfs, see {@link Tmpfs}): writes fail with NO_SPACE
 * and say the disk is full, reads and stored data are unharmed, and once space is freed the store finds out
 * by itself (no client write needed) and writes again.
 */
class SqliteDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsWritesWithNoSpaceAndTheStoreWritesAgainOnceSpaceIsFreed() {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), "8m");
             SqliteStorage storage = SqliteStorage.open(disk.path().resolve("db/state.db"))) {
            for (int i = 0; i < 10; i++) {
                storage.create("/full/before/" + i, ("v" + i).getBytes(UTF_8));
            }
            assertThat(storage.hasSpace()).isTrue();
            disk.fill(0);

            StorageException failure = null;
            for (int i = 0; i < 1000 && failure == null; i++) {
                try {
                    storage.create("/full/k" + i, "x".repeat(4096).getBytes(UTF_8));
                } catch (StorageException e) {
                    failure = e;
                }
            }
            if (failure == null) {
                fail("1000 writes of 4 KiB on a full 8 MiB disk all succeeded");
            }
            assertThat(failure.code()).isEqualTo(Code.NO_SPACE);
            assertThat(failure).hasMessage("the disk is full: the embedded store cannot write (database or disk "
                    + "is full); writes fail until space is freed");
            assertThat(storage.hasSpace()).isFalse();
            assertThat(storage.isHealthy()).as("reads still work").isTrue();
            assertThat(new String(storage.get("/full/before/3").value(), UTF_8)).isEqualTo("v3");
            long revision = storage.currentRevision();

            disk.unfill();
            await().atMost(Duration.ofSeconds(10)).until(storage::hasSpace);
            assertThat(storage.currentRevision()).as("finding out took no revision").isEqualTo(revision);
            assertThat(storage.create("/full/after", "a".getBytes(UTF_8)).modRevision()).isEqualTo(revision + 1);
            assertThat(storage.list("/full/before/", ListOptions.ALL).items()).hasSize(10);
        }
    }
}

package dev.kapi.apiserver.storage.cacher;

import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared storage contract through a watch cache on the embedded store: a cacher of "/" covers the
 * suite's random prefixes, so every read and watch below is the cache's (it is primed before the suite runs).
 */
class CachedSqliteStorageTest extends StorageContractTests {

    @TempDir
    static Path dir;

    private Storage backend;

    @Override
    protected Storage newStorage() {
        backend = SqliteStorage.open(dir.resolve("cached.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
        Cacher cacher = new Cacher(backend, "/", CacherOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().ready());
        return cacher;
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(3);
    }

    @AfterAll
    void closeBackend() {
        backend.close();
    }
}

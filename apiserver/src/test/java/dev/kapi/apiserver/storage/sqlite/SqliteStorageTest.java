package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The shared storage contract on a SQLite file. */
class SqliteStorageTest extends StorageContractTests {

    @TempDir
    static Path dir;

    @Override
    protected Storage newStorage() {
        return SqliteStorage.open(dir.resolve("contract.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(3);
    }
}

package dev.kapi.apiserver.storage.encryption;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest and the whole storage contract through it, on the embedded store. */
class EncryptedSqliteStorageTest extends EncryptedStorageTests {

    @TempDir
    static Path dir;

    @Override
    protected Storage newBackend() {
        return SqliteStorage.open(dir.resolve("encrypted.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(3);
    }
}

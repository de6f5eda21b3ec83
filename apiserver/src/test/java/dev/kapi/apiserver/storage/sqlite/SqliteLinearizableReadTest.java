package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.cacher.CachedLinearizableReadTests;
import dev.kapi.apiserver.storage.cacher.Cacher;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Linearizable reads and watches through the watch cache ({@link Cacher}) on the embedded store. */
class SqliteLinearizableReadTest extends CachedLinearizableReadTests {

    @TempDir
    static Path dir;

    @Override
    protected Storage newBackend() {
        return SqliteStorage.open(dir.resolve("linearizable.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
    }
}

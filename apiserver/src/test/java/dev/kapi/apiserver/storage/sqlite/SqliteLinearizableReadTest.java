package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.LinearizableReadTests;
import dev.kapi.apiserver.storage.Storage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Linearizable reads and watches on the embedded store, with nothing in front of it (yet: the watch cache). */
class SqliteLinearizableReadTest extends LinearizableReadTests {

    @TempDir
    static Path dir;

    @Override
    protected Storage newBackend() {
        return SqliteStorage.open(dir.resolve("linearizable.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
    }

    @Override
    protected Storage decorate(Storage backend, String prefix) {
        return backend;
    }
}

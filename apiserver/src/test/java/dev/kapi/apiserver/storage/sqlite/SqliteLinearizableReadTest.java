package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.LinearizableReadTests;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.cacher.CachedReads;
import dev.kapi.apiserver.storage.cacher.Cacher;
import dev.kapi.apiserver.storage.cacher.CacherOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Linearizable reads and watches through the watch cache ({@link Cacher}) on the embedded store. */
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
        return new Cacher(backend, prefix, CacherOptions.DEFAULTS);
    }

    @Override
    protected void awaitReady(Storage decorated) {
        CachedReads.awaitReady((Cacher) decorated);
    }

    @Override
    protected void assertServedItself(Storage decorated) {
        CachedReads.assertConsistentReadsFromMemory((Cacher) decorated);
    }
}

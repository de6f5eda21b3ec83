package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.LinearizableReadTests;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.cacher.CachedReads;
import dev.kapi.apiserver.storage.cacher.Cacher;
import dev.kapi.apiserver.storage.cacher.CacherOptions;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/** Linearizable reads and watches through the watch cache ({@link Cacher}) on etcd. */
@ExtendWith(EtcdExtension.class)
class EtcdLinearizableReadTest extends LinearizableReadTests {

    @Override
    protected Storage newBackend() {
        return EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
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

package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.cacher.CachedLinearizableReadTests;
import dev.kapi.apiserver.storage.cacher.Cacher;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/** Linearizable reads and watches through the watch cache ({@link Cacher}) on etcd. */
@ExtendWith(EtcdExtension.class)
class EtcdLinearizableReadTest extends CachedLinearizableReadTests {

    @Override
    protected Storage newBackend() {
        return EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
    }
}

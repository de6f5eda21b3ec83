package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.LinearizableReadTests;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/** Linearizable reads and watches on etcd, with nothing in front of it (yet: the watch cache). */
@ExtendWith(EtcdExtension.class)
class EtcdLinearizableReadTest extends LinearizableReadTests {

    @Override
    protected Storage newBackend() {
        return EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    @Override
    protected Storage decorate(Storage backend, String prefix) {
        return backend;
    }
}

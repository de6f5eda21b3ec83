package dev.kapi.apiserver.storage.encryption;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/** Encryption at rest and the whole storage contract through it, on a real etcd. */
@ExtendWith(EtcdExtension.class)
class EncryptedEtcdStorageTest extends EncryptedStorageTests {

    @Override
    protected Storage newBackend() {
        return EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(4);
    }
}

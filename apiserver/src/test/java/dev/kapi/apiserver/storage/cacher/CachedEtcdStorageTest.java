package dev.kapi.apiserver.storage.cacher;

import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared storage contract through a watch cache on a real etcd: a cacher of "/" covers the suite's random
 * prefixes, so every read and watch below is the cache's (it is primed before the suite runs).
 */
@ExtendWith(EtcdExtension.class)
class CachedEtcdStorageTest extends StorageContractTests {

    private Storage backend;

    @Override
    protected Storage newStorage() {
        backend = EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(1));
        Cacher cacher = new Cacher(backend, "/", CacherOptions.DEFAULTS.withProgressInterval(Duration.ofSeconds(1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> cacher.stats().ready());
        return cacher;
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(4);
    }

    @AfterAll
    void closeBackend() {
        backend.close();
    }
}

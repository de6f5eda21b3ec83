package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdTlsFiles;
import java.time.Duration;
import java.util.List;

/**
 * The whole storage contract (create, get, list, guaranteedUpdate, delete, watch) on a real etcd that serves
 * its clients over TLS and requires a client certificate ({@code --client-cert-auth}).
 */
class EtcdTlsStorageTest extends StorageContractTests {

    private static EtcdTlsFiles pki;
    private static LocalEtcdProcess etcd;

    private static synchronized LocalEtcdProcess etcd() {
        if (etcd == null) {
            pki = EtcdTlsFiles.generateTemp();
            etcd = EtcdExtension.startPrivate(pki.clientCertAuth());
        }
        return etcd;
    }

    @Override
    protected Storage newStorage() {
        List<String> endpoints = etcd().endpoints();
        return EtcdStorage.connect(endpoints, Duration.ofSeconds(10), Duration.ofSeconds(1),
                new EtcdTls(List.of(pki.ca().certificate()), List.of(pki.client().certificate()), pki.client().key()));
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(4);
    }
}

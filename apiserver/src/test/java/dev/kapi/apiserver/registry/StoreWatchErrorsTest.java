package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ERROR event a watch ends with: kube's texts, said once. */
class StoreWatchErrorsTest {

    @Test
    void aCompactedRevisionIsSaidOnceAsKubeSaysIt() {
        Status status = (Status) StoreWatch.errorStatus(new StorageException(StorageException.Code.EXPIRED,
                "/registry/configmaps/", "too old resource version: 2 (1502)"));
        assertThat(status.getCode()).isEqualTo(410);
        assertThat(status.getReason()).isEqualTo("Expired");
        assertThat(status.getMessage()).isEqualTo("too old resource version: 2 (1502)");
    }

    @Test
    void anotherExpiryGetsKubesPrefix() {
        Status status = (Status) StoreWatch.errorStatus(new StorageException(StorageException.Code.EXPIRED,
                "/registry/configmaps/", "etcdserver: mvcc: required revision has been compacted"));
        assertThat(status.getMessage())
                .isEqualTo("too old resource version: etcdserver: mvcc: required revision has been compacted");
    }
}

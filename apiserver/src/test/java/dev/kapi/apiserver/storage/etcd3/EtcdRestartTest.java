package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client rides out an etcd restart: calls fail fast while it is down and work again after, watches resume. */
class EtcdRestartTest {

    @Test
    void recoversWhenEtcdComesBack() {
        LocalEtcdProcess etcd = EtcdExtension.startPrivate();
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), Duration.ofSeconds(2), Duration.ofSeconds(1))) {
            String prefix = EtcdExtension.randomPrefix() + "/";
            long created = storage.create(prefix + "a", "1".getBytes()).modRevision();
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(created), recorder)) {
                etcd.stop();
                assertThat(storage.isHealthy()).isFalse();
                assertThatThrownBy(() -> storage.get(prefix + "a"))
                        .isInstanceOfSatisfying(StorageException.class,
                                e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNREACHABLE));

                etcd.restart();
                await().atMost(Duration.ofSeconds(15)).until(storage::isHealthy);
                assertThat(new String(storage.get(prefix + "a").value())).isEqualTo("1");
                storage.guaranteedUpdate(prefix + "a", Preconditions.NONE, false, c -> "2".getBytes());
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(recorder.summary()).containsExactly("MODIFIED a=2"));
            }
        } finally {
            etcd.close();
        }
    }
}

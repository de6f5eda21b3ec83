package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Progress requests go to etcd only when its version answers them in order with its events: 3.4.31+,
 * 3.5.13+ and later minors (kube-apiserver's thresholds for its RequestWatchProgress storage feature).
 */
@ExtendWith(EtcdExtension.class)
class EtcdProgressSupportTest {

    @ParameterizedTest(name = "etcd {0}: {1}")
    @CsvSource({
            "3.4.23, false", "3.4.30, false", "3.4.31, true", "3.4.35, true",
            "3.5.0, false", "3.5.12, false", "3.5.13, true", "3.5.21, true",
            "3.6.0, true", "3.6.4, true", "3.3.27, false", "2.3.8, false", "4.0.0, true",
            "3.5.13-rc.1, true", "'', false", "unknown, false"})
    void versions(String version, boolean ordered) {
        assertThat(EtcdProgressSupport.ordersProgress(version)).isEqualTo(ordered);
    }

    @Test
    void theStorageAsksOnlyAnEtcdWhoseVersionAnswersInOrder() throws Exception {
        String version;
        try (Client client = Client.builder().endpoints(EtcdExtension.endpoints().toArray(String[]::new)).build()) {
            version = client.getMaintenanceClient().statusMember(EtcdExtension.endpoints().getFirst())
                    .get(10, TimeUnit.SECONDS).getVersion();
        }
        try (EtcdStorage etcd = EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10),
                Duration.ofSeconds(5))) {
            assertThat(etcd.answersProgressRequests()).as("etcd " + version)
                    .isEqualTo(EtcdProgressSupport.ordersProgress(version));
        }
    }
}

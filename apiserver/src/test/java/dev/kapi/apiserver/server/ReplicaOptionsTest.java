package dev.kapi.apiserver.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --advertise-address} and {@code --endpoint-reconciler-type}: kube's values and default rule. */
class ReplicaOptionsTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.7, 0.0.0.0, 10.0.0.7",
            "127.0.0.2, 127.0.0.1, 127.0.0.2",
            "'', 192.168.5.4, 192.168.5.4", // a specific bind address is advertised
    })
    void advertiseAddress(String flag, String bind, String expected) {
        assertThat(new ReplicaOptions(flag, "lease", bind).advertiseAddress()).isEqualTo(expected);
    }

    @Test
    void withoutTheFlagALoopbackOrUnspecifiedBindAddressAdvertisesAHostAddress() {
        for (String bind : new String[] {"0.0.0.0", "127.0.0.1"}) {
            String ip = new ReplicaOptions("", "lease", bind).advertiseAddress();
            assertThat(ip).isNotEqualTo("0.0.0.0").matches("[0-9.]+");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "lease, LEASE",
            "none, NONE",
    })
    void reconcilerTypes(String flag, ReplicaOptions.ReconcilerType expected) {
        assertThat(new ReplicaOptions("10.0.0.1", flag, "0.0.0.0").reconcilerType()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1 | master-count | --endpoint-reconciler-type=master-count is not supported",
            "10.0.0.1 | leases | --endpoint-reconciler-type: unknown value \"leases\"; valid values are lease, none",
            "my-host | lease | --advertise-address: \"my-host\" is not an IP address",
            "0.0.0.0 | lease | --advertise-address: 0.0.0.0 is unspecified",
    })
    void badValuesStopTheServerWithAMessage(String address, String type, String message) {
        assertThatThrownBy(() -> new ReplicaOptions(address, type, "0.0.0.0"))
                .isInstanceOf(StartupFailure.class).hasMessageContaining(message);
    }
}

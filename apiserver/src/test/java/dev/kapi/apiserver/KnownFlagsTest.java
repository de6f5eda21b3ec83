package dev.kapi.apiserver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KnownFlagsTest {

    @Test
    void onlyFlagsTheServerDoesNotReadAreUnknown() {
        String[] args = FlagArgs.normalize(new String[] {"--etcd-servers", "http://a:2379", "--etcd-server=x",
                "--spring.config.additional-location=/etc/kapi.yaml", "--kapi.request-header-timeout=5s",
                "--secure-port=6443", "--logging.level.root=warn", "--anonymous-auth", "--verbose", "positional"});
        assertThat(KnownFlags.unknown(args)).isEqualTo(List.of("--etcd-server", "--verbose"));
    }

    /** As in pflag, a one-value flag given twice keeps its last value; a list flag keeps both. */
    @Test
    void aOneValueFlagGivenTwiceKeepsTheLast() {
        assertThat(FlagArgs.normalize(new String[] {"--secure-port=0", "--tls-san=a", "--secure-port", "6443",
                "--tls-san=b", "--anonymous-auth", "--anonymous-auth=false"}))
                .containsExactly("--tls-san=a", "--secure-port=6443", "--tls-san=b", "--anonymous-auth=false");
    }
}

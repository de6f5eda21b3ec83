package dev.kapi.admissionwebhooks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FlagsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--secure-port 9443                    | --secure-port=9443",
            "--secure-port=9443                    | --secure-port=9443",
            "--print-config                        | --print-config=true",
            "--print-config --secure-port 1        | --print-config=true,--secure-port=1",
            "--config /etc/webhooks.yaml           | --spring.config.additional-location=file:/etc/webhooks.yaml",
            "--config=webhooks.yaml --kubeconfig k | --spring.config.additional-location=file:webhooks.yaml,--kubeconfig=k",
    })
    void spellsFlagsTheWaySpringReadsThem(String args, String expected) {
        assertThat(String.join(",", Flags.normalize(args.split(" ")))).isEqualTo(expected);
    }
}

package dev.kapi.apiserver.controllers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --controllers} as kube-controller-manager reads it: star, names, aliases, "-name", first entry wins. */
class ControllerSelectionTest {

    @ParameterizedTest(name = "--controllers={0}: {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "*                                   | deployment-controller              | true",
            "*                                   | bootstrap-signer-controller        | false",
            "*,bootstrapsigner                   | bootstrap-signer-controller        | true",
            "*,-deployment                       | deployment-controller              | false",
            "-deployment-controller,*            | deployment-controller              | false",
            "deployment,-deployment              | deployment-controller              | true",
            "job                                 | job-controller                     | true",
            "job                                 | deployment-controller              | false",
            "''                                  | namespace-controller               | false",
            "*,-kube-scheduler                   | kube-scheduler                     | false",
            "' *, -endpoint '                    | endpoints-controller               | false",
            "' *, -endpoint '                    | endpointslice-controller           | true",
            "root-ca-cert-publisher              | root-ca-certificate-publisher-controller | true",
    })
    void selects(String flag, String controller, boolean enabled) {
        assertThat(ControllerSelection.parse(flag).enabled(controller)).isEqualTo(enabled);
    }

    @ParameterizedTest
    @CsvSource({"deployments", "-foo", "'*,replicaset-controllers'"})
    void refusesNamesKubeDoesNotKnow(String flag) {
        assertThatThrownBy(() -> ControllerSelection.parse(flag))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not in the list of known controllers");
    }
}

package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which Accept headers get an error Status in YAML (kube's ErrorNegotiated: the first plain media type). */
class StatusResponsesTest {

    @ParameterizedTest(name = "{0} -> yaml {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL | false",
            "application/yaml | true",
            "application/yaml;charset=utf-8 | true",
            "application/json | false",
            "application/json, application/yaml | false",
            "application/vnd.kubernetes.protobuf, application/yaml | true",
            "application/yaml;as=Table;v=v1;g=meta.k8s.io, application/json | false",
            "application/json;as=Table;v=v1;g=meta.k8s.io, application/yaml | true",
            "*/* | false",
            "text/html | false",
    })
    void yamlForTheFirstPlainYamlEntry(String accept, boolean yaml) {
        assertThat(StatusResponses.yamlRequested(accept)).isEqualTo(yaml);
    }
}

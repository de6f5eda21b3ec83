package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletResponse;

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

    @Test
    void aStatusThatAsksForARetryAfterSomeSecondsSaysSoInAHeader() throws Exception {
        MockHttpServletResponse busy = new MockHttpServletResponse();
        StatusResponses.write(busy, StatusError.tooManyRequests("busy", 3, "r", "m").status());
        assertThat(busy.getStatus()).isEqualTo(429);
        assertThat(busy.getHeader("Retry-After")).isEqualTo("3");

        MockHttpServletResponse tooLarge = new MockHttpServletResponse();
        StatusResponses.write(tooLarge,
                StatusError.tooLargeResourceVersion("Too large resource version: 9, current: 5").status());
        assertThat(tooLarge.getStatus()).isEqualTo(504);
        assertThat(tooLarge.getHeader("Retry-After")).isEqualTo("1");
        assertThat(tooLarge.getContentAsString()).contains("\"message\":\"Timeout: Too large resource version: 9, current: 5\"",
                "\"reason\":\"ResourceVersionTooLarge\"", "\"retryAfterSeconds\":1");

        MockHttpServletResponse plain = new MockHttpServletResponse();
        StatusResponses.write(plain, StatusError.tooManyRequests("busy").status());
        assertThat(plain.getHeader("Retry-After")).isNull();
    }
}

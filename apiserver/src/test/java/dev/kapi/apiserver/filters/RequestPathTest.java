package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reading of a request path: decoded as Go decodes it, or a 400 when it could be read two ways. */
class RequestPathTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/|/",
            "/api|/api",
            "/api/v1/namespaces/a/configmaps|/api/v1/namespaces/a/configmaps",
            "/api/v1/namespaces/a/configmaps/|/api/v1/namespaces/a/configmaps",
            "/api/v1/namespaces/a/config%6Daps|/api/v1/namespaces/a/configmaps",
            "/api/v1/namespaces/a/config%6daps|/api/v1/namespaces/a/configmaps",
            "/api/v1/namespaces/%61/configmaps|/api/v1/namespaces/a/configmaps",
            "/api/v1/namespaces/a%20b|/api/v1/namespaces/a b",
            "/api/v1/namespaces/a+b|/api/v1/namespaces/a+b",
            "/api/v1/namespaces/caf%C3%A9|/api/v1/namespaces/café",
            "/.well-known/openid-configuration|/.well-known/openid-configuration",
            "/api/v1/namespaces/..a|/api/v1/namespaces/..a"})
    void decodesOnce(String raw, String canonical) {
        assertThat(RequestPath.canonical(raw)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "api/v1", "//api/v1", "/api//v1", "/api/v1//", "/api/v1/namespaces/a;x/configmaps",
            "/api/v1/namespaces/a/configmaps;", "/api/v1/namespaces/%3B/namespaces", "/api/v1/namespaces/%3b",
            "/api/v1/./namespaces", "/api/v1/../v1/namespaces", "/api/v1/%2e/namespaces", "/api/v1/%2E%2E/namespaces",
            "/api/v1/.%2e/namespaces", "/api/v1/namespaces/a%2Fb", "/api/v1/namespaces/a%2fb", "/api/v1/namespaces/a%5Cb",
            "/api/v1/namespaces/a\\b", "/api/v1/namespaces/%00", "/api/v1/namespaces/a%0A", "/api/v1/namespaces/a%0d",
            "/api/v1/namespaces/a%09", "/api/v1/namespaces/a%7F", "/api/v1/namespaces/a%C2%85",
            "/api/v1/namespaces/a%E2%80%A8", "/api/v1/namespaces/a%E2%80%A9", "/api/v1/namespaces/%C0%AE",
            "/api/v1/namespaces/%C0%AF", "/api/v1/namespaces/%E0%80%AE", "/api/v1/namespaces/%FF",
            "/api/v1/namespaces/%ZZ", "/api/v1/namespaces/%", "/api/v1/namespaces/%2", "/api/v1/namespaces/%u002e",
            "/api/v1/namespaces/\u00e9"})
    void refusesWhatCouldBeReadTwoWays(String raw) {
        assertThatThrownBy(() -> RequestPath.segments(raw)).isInstanceOfSatisfying(StatusError.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("invalid request path ");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/namespaces/%252e", "/api/v1/namespaces/%252F"})
    void decodesADoubleEncodingOnlyOnce(String raw) {
        assertThat(RequestPath.segments(raw).getLast()).startsWith("%2");
    }
}

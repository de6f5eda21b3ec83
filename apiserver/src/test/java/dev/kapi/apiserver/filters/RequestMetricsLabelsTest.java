package dev.kapi.apiserver.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The request metrics' labels take values from closed sets only (kube's cleanDryRun and CleanVerb). */
class RequestMetricsLabelsTest {

    @Test
    void dryRunIsEmptyAllOrInvalid() {
        assertThat(RequestMetricsFilter.dryRun(null)).isEmpty();
        assertThat(RequestMetricsFilter.dryRun(new String[] {"All"})).isEqualTo("All");
        assertThat(RequestMetricsFilter.dryRun(new String[] {"All", "All"})).isEqualTo("All");
        assertThat(RequestMetricsFilter.dryRun(new String[] {"random-2kb-value"})).isEqualTo("invalid");
        assertThat(RequestMetricsFilter.dryRun(new String[] {"All", "x"})).isEqualTo("invalid");
        assertThat(RequestMetricsFilter.dryRun(new String[] {""})).isEqualTo("invalid");
    }

    @Test
    void aMethodOutsideKubesVerbsIsOther() {
        RequestInfo version = RequestInfoResolver.resolve("GET", "/version", null, null);
        assertThat(RequestMetricsFilter.verb(new MockHttpServletRequest("GET", "/version"), version)).isEqualTo("GET");
        RequestInfo made = RequestInfoResolver.resolve("MADEUP", "/version", null, null);
        assertThat(RequestMetricsFilter.verb(new MockHttpServletRequest("MADEUP", "/version"), made))
                .isEqualTo("other");
        RequestInfo list = RequestInfoResolver.resolve("GET", "/api/v1/configmaps", null, null);
        assertThat(RequestMetricsFilter.verb(new MockHttpServletRequest("GET", "/api/v1/configmaps"), list))
                .isEqualTo("LIST");
    }
}

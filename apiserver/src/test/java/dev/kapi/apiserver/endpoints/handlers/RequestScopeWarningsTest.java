package dev.kapi.apiserver.endpoints.handlers;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Warning headers as kube's warning recorder writes them: once per text, escaped, capped in total. */
class RequestScopeWarningsTest {

    private static RequestScope scope(MockHttpServletResponse response) {
        return new RequestScope(null, null, null, null, null, null, response);
    }

    @Test
    void eachTextOnceEscapedAndOnOneLine() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        RequestScope scope = scope(response);
        scope.warn("a \"quoted\" \\ text");
        scope.warn("a \"quoted\" \\ text");
        scope.warn("two\nlines");
        scope.warn("");
        assertThat(response.getHeaders("Warning"))
                .containsExactly("299 - \"a \\\"quoted\\\" \\\\ text\"", "299 - \"two lines\"");
    }

    @Test
    void pastTheTotalCapEveryWarningIsCutAndLaterOnesDropped() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        RequestScope scope = scope(response);
        scope.warn("short");
        String big = "x".repeat(4096);
        scope.warn(big);
        String cut = "x".repeat(256);
        assertThat(response.getHeaders("Warning")).containsExactly("299 - \"short\"", "299 - \"" + cut + "\"");
        // later ones are cut too, until the cap is reached again; after that none is added
        for (int i = 0; i < 40; i++) {
            scope.warn(i + "y".repeat(4096));
        }
        List<String> headers = response.getHeaders("Warning");
        assertThat(headers).hasSizeLessThan(20).allSatisfy(h -> assertThat(h.length())
                .isLessThanOrEqualTo(256 + 8));
        int total = headers.stream().mapToInt(h -> h.length() - 8).sum();
        assertThat(total).isBetween(4096, 4096
                + 256);
    }
}

package dev.kapi.apiserver.endpoints.handlers;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warning headers as kube's recorder writes them: escaped, once per text, and no more than 4,096 characters of
 * text in all, every warning cut to 256 characters once that is passed.
 */
class WarningHeadersTest {

    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final WarningHeaders warnings = new WarningHeaders(response);

    @Test
    void aWarningIsWrittenOnceEscapedWithoutControlCharacters() {
        warnings.add("unknown field \"spec.foo\"");
        warnings.add("unknown field \"spec.foo\"");
        warnings.add("line one\nline two\\");

        assertThat(response.getHeaders("Warning")).containsExactly("299 - \"unknown field \\\"spec.foo\\\"\"",
                "299 - \"line one line two\\\\\"");
    }

    @Test
    void pastTheTotalEveryWarningIsCutAndWhatDoesNotFitIsDropped() {
        String long1 = "a".repeat(3000);
        String long2 = "b".repeat(3000);
        warnings.add(long1);
        assertThat(response.getHeaders("Warning")).containsExactly("299 - \"" + long1 + "\"");

        warnings.add(long2); // 6,000 characters: both cut to 256
        assertThat(response.getHeaders("Warning")).containsExactly("299 - \"" + "a".repeat(256) + "\"",
                "299 - \"" + "b".repeat(256) + "\"");

        for (int i = 0; i < 1000; i++) {
            warnings.add("unknown field \"field" + i + "WithAName\"");
        }
        List<String> headers = response.getHeaders("Warning");
        int text = headers.stream().mapToInt(h -> h.length() - "299 - \"\"".length()).sum();
        assertThat(text).isLessThanOrEqualTo(WarningHeaders.TOTAL + 2 * headers.size()); // escaped quotes
        assertThat(headers).hasSizeLessThan(200).contains("299 - \"unknown field \\\"field0WithAName\\\"\"");
    }

    @Test
    void aCommittedAnswerTakesNoMoreWarnings() throws Exception {
        response.flushBuffer();
        warnings.add("late");
        assertThat(response.getHeaders("Warning")).isEmpty();
    }
}

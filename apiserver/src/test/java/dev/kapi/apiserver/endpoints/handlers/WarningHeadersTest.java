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

    /** kube's TestTruncation at kube's sizes: the warning past the total cuts all, the first at the total stops. */
    @Test
    void pastTheTotalEveryWarningIsCutAndOnceItIsReachedNoMoreAreWritten() {
        warnings.add("a".repeat(2000));
        warnings.add("b".repeat(2000));
        warnings.add("c".repeat(50)); // 4,050 characters: all whole
        assertThat(response.getHeaders("Warning")).containsExactly(header("a".repeat(2000)),
                header("b".repeat(2000)), header("c".repeat(50)));

        warnings.add("e".repeat(100)); // 4,150: every warning written again, cut to 256 (662 characters)
        assertThat(response.getHeaders("Warning")).containsExactly(header("a".repeat(256)),
                header("b".repeat(256)), header("c".repeat(50)), header("e".repeat(100)));

        List<String> more = new java.util.ArrayList<>();
        for (int i = 0; i < 14; i++) { // 662 + 14 * 256 = 4,246: each written cut, the last one past the total
            String w = (i + "-").repeat(150);
            warnings.add(w);
            more.add(header(w.substring(0, 256)));
        }
        warnings.add("h"); // the total is reached: not written
        warnings.add("");
        List<String> headers = response.getHeaders("Warning");
        assertThat(headers).hasSize(4 + 14).endsWith(more.toArray(String[]::new)).doesNotContain(header("h"));
    }

    private static String header(String text) {
        return "299 - \"" + text + "\"";
    }

    @Test
    void aCommittedAnswerTakesNoMoreWarnings() throws Exception {
        response.flushBuffer();
        warnings.add("late");
        assertThat(response.getHeaders("Warning")).isEmpty();
    }
}

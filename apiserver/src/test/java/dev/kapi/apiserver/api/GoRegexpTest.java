package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.PatternSyntaxException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's limit on nested counted repetitions (at most 1000 copies), which re2j alone does not have. */
class GoRegexpTest {

    @ParameterizedTest
    @ValueSource(strings = {"(a{1000}){1000}", "((a{30}){30}){30}", "(a{10}){101}", "a{1001}", "(?:x{2}y){501}",
            "(a{2,}){501}"})
    void nestedRepetitionsOverAThousandCopiesAreRefused(String re) {
        assertThatThrownBy(() -> GoRegexp.compile(re)).isInstanceOf(PatternSyntaxException.class)
                .hasMessageContaining("invalid repeat count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "(a{3}){333}", "a{1000}", "(a{10})(b{100}){10}",
            "[{]{2}", "\\{5000\\}", "x{,5}{", "\\p{Greek}{3}", "[a-z]{1,63}(\\.[a-z]{1,63}){0,3}", "\\Q{9999}\\E"})
    void ordinaryPatternsCompile(String re) {
        assertThat(GoRegexp.compile(re)).isNotNull();
    }
}

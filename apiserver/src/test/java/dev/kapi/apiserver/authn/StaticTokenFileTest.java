package dev.kapi.apiserver.authn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticTokenFileTest {

    static final String FILE = """
            t1,alice,uid-1,"system:masters,devs"
            t2,bob,uid-2
            \s
            t3,carol,uid-3,ops
            t4,"dave, jr",uid-4,""
            t1,mallory,uid-9
            """;

    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("t1", Optional.of(new UserInfo("alice", "uid-1", List.of("system:masters", "devs"), Map.of()))),
                Arguments.of("t2", Optional.of(new UserInfo("bob", "uid-2", List.of(), Map.of()))),
                Arguments.of("t3", Optional.of(new UserInfo("carol", "uid-3", List.of("ops"), Map.of()))),
                Arguments.of("t4", Optional.of(new UserInfo("dave, jr", "uid-4", List.of(), Map.of()))),
                Arguments.of("unknown", Optional.empty()),
                Arguments.of("", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("tokens")
    void authenticatesTokensOfTheFile(String token, Optional<UserInfo> expected) {
        assertThat(StaticTokenFile.parse(FILE).authenticateToken(token, List.of())).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void rejectsMalformedFiles(String csv, String message) {
        assertThatThrownBy(() -> StaticTokenFile.parse(csv)).hasMessageContaining(message);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("t1,alice\n", "line 1 must have at least 3 columns (token, user name, user uid), found 2"),
                Arguments.of("t1,alice,1\nt2\n", "line 2 must have at least 3 columns"),
                Arguments.of("t1,\"alice,1\n", "unterminated quoted field"));
    }
}

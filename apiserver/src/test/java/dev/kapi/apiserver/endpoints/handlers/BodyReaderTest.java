package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bodies are read whole whatever Content-Length says, and refused with 413 above 3 MiB. */
class BodyReaderTest {

    static final int MAX = BodyReader.MAX_BODY_BYTES;

    /** {@code declared}: the Content-Length header (-1 = none, as with chunked bodies); {@code tooLarge}: 413. */
    record Case(String name, int size, long declared, boolean tooLarge) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("small, declared", 445, 445, false),
                new Case("small, not declared", 445, -1, false),
                new Case("empty", 0, 0, false),
                new Case("longer than declared", 5000, 100, false),
                new Case("shorter than declared", 100, 5000, false),
                new Case("larger than a copy buffer, not declared", 100_000, -1, false),
                new Case("exactly the limit, declared", MAX, MAX, false),
                new Case("declared above the limit", 10, MAX + 1L, true),
                new Case("above the limit, not declared", MAX + 1, -1, true),
                new Case("declared at the limit, one byte more sent", MAX + 1, MAX, true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void readsWholeBodiesUpToTheLimit(Case c) throws Exception {
        byte[] body = new byte[c.size()];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        MockHttpServletRequest req = new MockHttpServletRequest("POST", "/api/v1/namespaces/a/configmaps") {
            @Override
            public long getContentLengthLong() {
                return c.declared();
            }
        };
        req.setContent(body);
        if (c.tooLarge()) {
            StatusError e = catchThrowableOfType(StatusError.class, () -> BodyReader.read(req));
            assertThat(e.status().getCode()).isEqualTo(413);
        } else {
            assertThat(BodyReader.read(req)).isEqualTo(body);
        }
    }
}

package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.server.tls.Certificates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A chain that verified is remembered, but only within the validity window of its certificates: asking
 * again with the same chain at a later time must give what a fresh validation at that time gives.
 */
class X509AuthenticatorTest {

    static final Certificates.Issued CA = Certificates.selfSignedCa("test-ca", Duration.ofDays(2));
    static final Certificates.Issued OTHER_CA = Certificates.selfSignedCa("other-ca", Duration.ofDays(2));
    static final X509Certificate ALICE = Certificates.client(CA, "alice", List.of("devs"), Duration.ofHours(1))
            .certificate();
    static final UserInfo ALICE_USER = new UserInfo("alice", "", List.of("devs"), Map.of());

    /** {@code times}: when each request is made, relative to now; {@code users}: what each gives (null = 401). */
    record Case(String name, X509Certificate cert, List<Duration> times, List<UserInfo> users) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        X509Certificate foreign = Certificates.client(OTHER_CA, "alice", List.of(), Duration.ofHours(1)).certificate();
        Duration expired = Duration.ofHours(2);
        Duration beforeStart = Duration.ofDays(-1);
        return Stream.of(
                new Case("same chain twice", ALICE, List.of(Duration.ZERO, Duration.ofMinutes(1)),
                        java.util.Arrays.asList(ALICE_USER, ALICE_USER)),
                new Case("remembered chain after it expired", ALICE, List.of(Duration.ZERO, expired),
                        java.util.Arrays.asList(ALICE_USER, null)),
                new Case("remembered chain before it is valid", ALICE, List.of(Duration.ZERO, beforeStart),
                        java.util.Arrays.asList(ALICE_USER, null)),
                new Case("expired, then asked within its validity", ALICE, List.of(expired, Duration.ZERO),
                        java.util.Arrays.asList(null, ALICE_USER)),
                new Case("untrusted chain, twice", foreign, List.of(Duration.ZERO, Duration.ZERO),
                        java.util.Arrays.asList(null, null)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void remembersOnlyWithinValidity(Case c) {
        long start = System.currentTimeMillis();
        AtomicLong now = new AtomicLong();
        X509Authenticator authenticator = new X509Authenticator(List.of(CA.certificate()), now::get);
        for (int i = 0; i < c.times().size(); i++) {
            now.set(start + c.times().get(i).toMillis());
            MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api");
            // a new array each time, as the servlet container may hand out
            req.setAttribute(X509Authenticator.CERTIFICATES_ATTRIBUTE, new X509Certificate[] {c.cert()});
            UserInfo expected = c.users().get(i);
            if (expected == null) {
                assertThat(catchThrowable(() -> authenticator.authenticate(req)))
                        .as("request %d", i).isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
            } else {
                assertThat(authenticator.authenticate(req)).as("request %d", i).isEqualTo(Optional.of(expected));
            }
        }
    }
}

package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.server.tls.Certificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAuthenticationFilterTest {

    static final Certificates.Issued CA = Certificates.selfSignedCa("test-ca", Duration.ofDays(1));
    static final Certificates.Issued OTHER_CA = Certificates.selfSignedCa("other-ca", Duration.ofDays(1));
    static final TokenAuthenticator TOKENS = StaticTokenFile.parse("good,bob,7,devs\n");
    static final TokenAuthenticator EXPIRED = (token, audiences) -> {
        if (token.startsWith("eyJ")) {
            throw new TokenAuthenticator.BadCredentialsException("token expired");
        }
        return java.util.Optional.empty();
    };

    record Case(String name, X509Certificate cert, String authorization, boolean anonymous, UserInfo user) {
        @Override
        public String toString() {
            return name;
        }
    }

    static UserInfo user(String name, String uid, String... groups) {
        return new UserInfo(name, uid, List.of(groups), Map.of());
    }

    static Stream<Case> cases() {
        X509Certificate alice = Certificates.client(CA, "alice", List.of("devs", "ops"), Duration.ofHours(1)).certificate();
        X509Certificate foreign = Certificates.client(OTHER_CA, "alice", List.of(), Duration.ofHours(1)).certificate();
        X509Certificate noCommonName = Certificates.client(CA, "", List.of("system:masters"), Duration.ofHours(1))
                .certificate();
        X509Certificate serving = Certificates.serving(CA, "kapi", List.of("localhost"), Duration.ofHours(1))
                .certificate();
        return Stream.of(
                new Case("client certificate", alice, null, true, user("alice", "", "devs", "ops", "system:authenticated")),
                new Case("certificate wins over a bad token", alice, "Bearer nope", true,
                        user("alice", "", "devs", "ops", "system:authenticated")),
                new Case("token", null, "Bearer good", true, user("bob", "7", "devs", "system:authenticated")),
                new Case("lower-case scheme", null, "bearer good", true, user("bob", "7", "devs", "system:authenticated")),
                new Case("nothing, anonymous on", null, null, true, UserInfo.anonymous()),
                new Case("nothing, anonymous off", null, null, false, null),
                new Case("unknown token", null, "Bearer nope", true, null),
                new Case("expired token", null, "Bearer eyJhbGciOi", true, null),
                new Case("empty token", null, "Bearer ", true, null),
                new Case("other scheme", null, "Basic Ym9iOnB3", true, null),
                new Case("certificate of another CA", foreign, null, true, null),
                new Case("serving certificate as client", serving, null, true, null),
                // kube's x509 authenticator leaves a certificate without a CN to the others: here none, so anonymous
                new Case("certificate without a common name", noCommonName, null, true, UserInfo.anonymous()),
                new Case("certificate without a common name, and a token", noCommonName, "Bearer good", true,
                        user("bob", "7", "devs", "system:authenticated")));
    }

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void authenticates(Case c) throws Exception {
        RequestAuthenticationFilter filter = new RequestAuthenticationFilter(List.of(
                new X509Authenticator(List.of(CA.certificate())),
                new BearerTokenAuthenticator(() -> List.of(TOKENS, EXPIRED))), c.anonymous(),
                new UnauthorizedEntryPoint());
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api/v1/namespaces");
        if (c.cert() != null) {
            req.setAttribute(X509Authenticator.CERTIFICATES_ATTRIBUTE, new X509Certificate[]{c.cert()});
        }
        if (c.authorization() != null) {
            req.addHeader("Authorization", c.authorization());
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(req, res, chain);

        if (c.user() == null) {
            assertThat(res.getStatus()).isEqualTo(401);
            assertThat(res.getContentAsString()).contains("\"reason\":\"Unauthorized\"");
            assertThat(chain.getRequest()).isNull();
        } else {
            assertThat(chain.getRequest()).isNotNull();
            assertThat(req.getAttribute(UserInfo.ATTRIBUTE)).isEqualTo(c.user());
            assertThat(UserAuthentication.userOf(SecurityContextHolder.getContext().getAuthentication()))
                    .isEqualTo(c.user());
        }
    }

    /**
     * An authenticator that fails with an unexpected error (an issuer unreachable, a bug) is a failure as in kube's
     * union: the next authenticators are still asked, and without one that names the user the answer is a 401
     * Status, never a 500 and never the anonymous user.
     */
    @org.junit.jupiter.api.Test
    void anAuthenticatorsUnexpectedErrorIsAFailureNotA500() throws Exception {
        Authenticator broken = request -> {
            throw new IllegalStateException("issuer unreachable");
        };
        RequestAuthenticationFilter filter = new RequestAuthenticationFilter(List.of(broken,
                new BearerTokenAuthenticator(() -> List.of(TOKENS))), true, new UnauthorizedEntryPoint());
        MockHttpServletRequest good = new MockHttpServletRequest("GET", "/api/v1/namespaces");
        good.addHeader("Authorization", "Bearer good");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(good, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isNotNull();
        assertThat(good.getAttribute(UserInfo.ATTRIBUTE)).isEqualTo(user("bob", "7", "devs", "system:authenticated"));

        MockHttpServletRequest none = new MockHttpServletRequest("GET", "/api/v1/namespaces");
        MockHttpServletResponse res = new MockHttpServletResponse();
        chain = new MockFilterChain();
        filter.doFilter(none, res, chain);
        assertThat(res.getStatus()).isEqualTo(401);
        assertThat(res.getContentAsString()).contains("\"reason\":\"Unauthorized\"");
        assertThat(chain.getRequest()).isNull();

        // a Status a lookup answers on purpose (a priming cache's 429 with Retry-After) still reaches the client
        Authenticator priming = request -> {
            throw new dev.kapi.apiserver.api.StatusError(dev.kapi.apiserver.api.StatusError.status(429,
                    "TooManyRequests", "storage is (re)initializing", null));
        };
        RequestAuthenticationFilter waiting = new RequestAuthenticationFilter(List.of(priming), true,
                new UnauthorizedEntryPoint());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> waiting.doFilter(
                new MockHttpServletRequest("GET", "/api"), new MockHttpServletResponse(), new MockFilterChain()))
                .isInstanceOf(dev.kapi.apiserver.api.StatusError.class);
    }
    /** kube's AuthenticatedGroupAdder: not for a user named system:anonymous or one already unauthenticated. */
    @Test
    void theAuthenticatedGroupIsAddedAsKubeAddsIt() {
        assertThat(RequestAuthenticationFilter.withAuthenticatedGroup(new UserInfo("a", "", List.of("g"),
                Map.of())).groups()).containsExactly("g", "system:authenticated");
        assertThat(RequestAuthenticationFilter.withAuthenticatedGroup(new UserInfo("system:anonymous", "",
                List.of("g"), Map.of())).groups()).containsExactly("g");
        assertThat(RequestAuthenticationFilter.withAuthenticatedGroup(new UserInfo("a", "",
                List.of("system:unauthenticated"), Map.of())).groups())
                .containsExactly("system:unauthenticated");
        assertThat(RequestAuthenticationFilter.withAuthenticatedGroup(new UserInfo("a", "",
                List.of("system:authenticated", "g"), Map.of())).groups())
                .containsExactly("system:authenticated", "g");
    }
}

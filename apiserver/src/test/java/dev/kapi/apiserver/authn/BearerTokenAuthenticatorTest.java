package dev.kapi.apiserver.authn;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bearer token authenticators as kube's union: one that refuses a token does not keep the next from
 * authenticating it; when none does, the first refusal is the answer, and a token nobody knows is refused too.
 */
class BearerTokenAuthenticatorTest {

    static final UserInfo ALICE = new UserInfo("alice", "", List.of(), Map.of());
    static final TokenAuthenticator REFUSES = (token, audiences) -> {
        throw new TokenAuthenticator.BadCredentialsException("token has expired");
    };
    static final TokenAuthenticator KNOWS_NOTHING = (token, audiences) -> Optional.empty();
    static final TokenAuthenticator ALICES = (token, audiences) ->
            token.equals("alice-token") ? Optional.of(new TokenAuthenticator.Authenticated(ALICE, List.of())) : Optional.empty();

    static MockHttpServletRequest request(String token) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api/v1/namespaces");
        req.addHeader("Authorization", "Bearer " + token);
        return req;
    }

    @Test
    void aRefusalDoesNotStopTheNextAuthenticator() {
        TokenAuthenticator fails = (token, audiences) -> {
            throw new IllegalStateException("issuer unreachable");
        };
        BearerTokenAuthenticator chain = new BearerTokenAuthenticator(() -> List.of(KNOWS_NOTHING, REFUSES, fails,
                ALICES));
        assertThat(chain.authenticate(request("alice-token"))).contains(ALICE);
        assertThatThrownBy(() -> chain.authenticate(request("other")))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class).hasMessage("token has expired");
        assertThatThrownBy(() -> new BearerTokenAuthenticator(() -> List.of(KNOWS_NOTHING, ALICES))
                .authenticate(request("other"))).isInstanceOf(TokenAuthenticator.BadCredentialsException.class)
                .hasMessage("invalid bearer token");
        assertThat(chain.authenticate(new MockHttpServletRequest("GET", "/api"))).isEmpty();
    }
}

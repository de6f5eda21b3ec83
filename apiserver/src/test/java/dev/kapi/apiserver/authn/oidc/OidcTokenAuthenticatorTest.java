package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.testprovider.OidcProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OIDC authenticator against a real provider (Spring Authorization Server, see {@link OidcProvider}),
 * whose issuer is a plain-HTTP URL on 127.0.0.1 (kube-apiserver would require https).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcTokenAuthenticatorTest {

    static final List<String> API_AUDIENCES = List.of("https://kubernetes.default.svc.cluster.local");

    OidcProvider provider;

    @BeforeAll
    void start() {
        provider = OidcProvider.start();
    }

    @AfterAll
    void stop() {
        provider.close();
    }

    OidcTokenAuthenticator authenticator(String usernameClaim, String usernamePrefix, Clock clock) {
        return authenticator(provider.issuer(), usernameClaim, usernamePrefix, clock);
    }

    OidcTokenAuthenticator authenticator(String issuer, String usernameClaim, String usernamePrefix, Clock clock) {
        OidcOptions options = new OidcOptions(issuer, "kubernetes", usernameClaim, usernamePrefix, "groups",
                "oidc:", null);
        return new OidcTokenAuthenticator(options, new OidcProviderKeys(issuer, OidcProviderKeys.httpClient(provider.caFile()),
                Clock.systemUTC()), API_AUDIENCES, clock);
    }

    record Case(String name, String claim, String prefix, String expectedUser) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> usernames() {
        return Stream.of(
                new Case("sub with the default prefix", "sub", "", "%ISSUER%#kubernetes"),
                new Case("sub without a prefix", "sub", "-", "kubernetes"),
                new Case("sub with a prefix", "sub", "oidc:", "oidc:kubernetes"),
                new Case("email, unprefixed by default", "email", "", "kubernetes@example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usernames")
    void authenticatesTheProvidersTokens(Case c) throws Exception {
        UserInfo user = authenticator(c.claim(), c.prefix(), Clock.systemUTC())
                .authenticateToken(provider.token("kubernetes"), List.of()).orElseThrow();

        assertThat(user.name()).isEqualTo(c.expectedUser().replace("%ISSUER%", provider.issuer()));
        assertThat(user.groups()).containsExactly("oidc:dev", "oidc:ops");
    }

    @Test
    void refusesAnotherClientsToken() throws Exception {
        String token = provider.token("other");
        assertThatThrownBy(() -> authenticator("sub", "", Clock.systemUTC()).authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("audience");
    }

    @Test
    void refusesExpiredTokens() throws Exception {
        String token = provider.token("kubernetes");
        Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
        Clock later = Clock.fixed(exp.plus(Duration.ofSeconds(1)), ZoneOffset.UTC);
        assertThatThrownBy(() -> authenticator("sub", "", later).authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("expired");
    }

    @Test
    void refusesTamperedTokens() throws Exception {
        String[] parts = provider.token("kubernetes").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"dev\"", "\"adm\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        assertThatThrownBy(() -> authenticator("sub", "", Clock.systemUTC()).authenticateToken(tampered, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("signature");
    }

    @Test
    void refusesAnUnverifiedEmail() throws Exception {
        String token = provider.token("unverified");
        assertThat(authenticator("sub", "-", Clock.systemUTC()).authenticateToken(token, List.of())).isPresent();
        assertThatThrownBy(() -> authenticator("email", "", Clock.systemUTC()).authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("email not verified");
    }

    @Test
    void leavesOtherIssuersTokensToOtherAuthenticators() throws Exception {
        String token = provider.token("kubernetes");
        String otherIssuer = provider.issuer().replace("127.0.0.1", "localhost");
        assertThat(authenticator(otherIssuer, "sub", "", Clock.systemUTC()).authenticateToken(token, List.of()))
                .isEmpty();
        assertThat(authenticator("sub", "", Clock.systemUTC()).authenticateToken("not-a-jwt", List.of())).isEmpty();
    }

    @Test
    void answersOnlyForTheApiAudiences() throws Exception {
        String token = provider.token("kubernetes");
        assertThat(authenticator("sub", "", Clock.systemUTC()).authenticateToken(token, List.of("vault"))).isEmpty();
        assertThat(authenticator("sub", "", Clock.systemUTC()).authenticateToken(token, API_AUDIENCES)).isPresent();
    }
}

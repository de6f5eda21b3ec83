package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.testing.JwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JWT authenticators of {@code --authentication-config} against an issuer over HTTPS: claim mappings by claim and by
 * CEL, the validation rules, several audiences, a discovery URL, and two issuers side by side, with kube's messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthenticationTest {

    JwtIssuer first;
    JwtIssuer second;

    @BeforeAll
    void start() {
        first = JwtIssuer.start();
        second = JwtIssuer.start();
    }

    @AfterAll
    void stop() {
        first.close();
        second.close();
    }

    private TokenAuthenticator authenticator(String jwtEntries) {
        String yaml = "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n"
                + jwtEntries;
        AuthenticationConfigFile.Config config = AuthenticationConfigFile.parse(yaml.getBytes(StandardCharsets.UTF_8),
                List.of("https://kubernetes.default.svc.cluster.local"));
        return StructuredAuthentication.authenticator(config.jwt(), List.of("api"));
    }

    private static String issuer(JwtIssuer issuer, String audiences) {
        return issuer.configEntry(audiences);
    }

    private static UserInfo user(TokenAuthenticator a, String token) {
        return a.authenticateToken(token, List.of()).orElseThrow();
    }

    @Test
    void claimsNameTheUserWithTheirPrefixes() {
        TokenAuthenticator a = authenticator(issuer(first, "[kapi]") + """
                  claimMappings:
                    username: {claim: sub, prefix: "oidc:"}
                    groups: {claim: roles, prefix: "oidc:"}
                    uid: {claim: oid}
                """);
        UserInfo u = user(a, first.token("kapi", Map.of("sub", "alice", "roles", List.of("dev", "ops"),
                "oid", "u-1", "jti", "abc")));
        assertThat(u.name()).isEqualTo("oidc:alice");
        assertThat(u.groups()).containsExactly("oidc:dev", "oidc:ops");
        assertThat(u.uid()).isEqualTo("u-1");
        assertThat(u.extra()).containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=abc"));
        // a single group as a string, no groups claim at all
        assertThat(user(a, first.token("kapi", Map.of("sub", "bob", "roles", "dev", "oid", "u-2"))).groups())
                .containsExactly("oidc:dev");
        assertThat(user(a, first.token("kapi", Map.of("sub", "bob", "oid", "u-2"))).groups()).isEmpty();
        // a number beyond 64 bits in any claim is no reason to refuse the token (kube reads it as a double)
        assertThat(user(a, first.token("kapi", Map.of("sub", "big", "oid", "u-3",
                "n", new java.math.BigInteger("99999999999999999999")))).name()).isEqualTo("oidc:big");
        assertThatThrownBy(() -> user(a, first.token("kapi", Map.of("sub", "bob"))))
                .isInstanceOf(BadCredentialsException.class).hasMessage("oidc: parse uid claim \"oid\": claim not present");
        assertThatThrownBy(() -> user(a, first.token("kapi", Map.of("sub", 7, "oid", "u"))))
                .hasMessage("oidc: parse username claims \"sub\": json: cannot unmarshal number into Go value of type string");
        assertThatThrownBy(() -> user(a, first.token("kapi", Map.of("sub", "bob", "oid", "u", "roles", List.of(1)))))
                .hasMessage("oidc: parse groups claim \"roles\": json: cannot unmarshal array into Go value of type string");
        assertThatThrownBy(() -> user(a, first.token("other", Map.of("sub", "bob", "oid", "u"))))
                .hasMessage("oidc: verify token: expected audience \"kapi\" got [other]");
    }

    @Test
    void expressionsNameTheUserAndRulesDecideWhoMayBeIt() {
        TokenAuthenticator a = authenticator(issuer(first, "[kapi, other]") + """
                    audienceMatchPolicy: MatchAny
                  claimValidationRules:
                  - {claim: hd, requiredValue: example.com}
                  - expression: claims.exp - claims.iat <= 86400
                    message: tokens may live a day at most
                  claimMappings:
                    username: {expression: 'claims.email_verified == true ? claims.email : "unverified"'}
                    groups: {expression: 'claims.?team.orValue("")'}
                    uid: {expression: 'string(claims.num)'}
                    extra:
                    - {key: example.com/tenant, valueExpression: 'claims.tenant'}
                    - {key: example.com/none, valueExpression: '""'}
                  userValidationRules:
                  - expression: "!user.username.startsWith('system:')"
                    message: no system users
                """);
        UserInfo u = user(a, first.token("other", Map.of("email", "al@example.com", "email_verified", true,
                "hd", "example.com", "team", "blue", "num", 42, "tenant", List.of("t1", "", "t2"))));
        assertThat(u.name()).isEqualTo("al@example.com");
        assertThat(u.groups()).containsExactly("blue");
        assertThat(u.uid()).isEqualTo("42");
        assertThat(u.extra()).containsEntry("example.com/tenant", List.of("t1", "t2"))
                .doesNotContainKey("example.com/none");
        assertThat(user(a, first.token("other", Map.of("email", "al@example.com", "email_verified", true,
                "hd", "example.com", "num", new java.math.BigInteger("99999999999999999999"), "tenant", "t"))).name())
                .isEqualTo("al@example.com"); // the number a double, as in kube
        Map<String, Object> ok = Map.of("email", "al@example.com", "email_verified", true, "hd", "example.com",
                "num", 1, "tenant", "t");
        assertThat(user(a, first.token("kapi", ok)).groups()).isEmpty();
        assertThatThrownBy(() -> user(a, first.token("kapi", with(ok, "hd", "evil.com"))))
                .hasMessage("oidc: required claim hd value does not match. Got = evil.com, want = example.com");
        assertThatThrownBy(() -> user(a, first.token("kapi", with(ok, "iat", 1))))
                .hasMessage("oidc: error evaluating claim validation expression: validation expression "
                        + "'claims.exp - claims.iat <= 86400' failed: tokens may live a day at most");
        assertThatThrownBy(() -> user(a, first.token("kapi", with(ok, "email", "system:admin"))))
                .hasMessage("oidc: error evaluating user info validation rule: validation expression "
                        + "'!user.username.startsWith('system:')' failed: no system users");
        assertThatThrownBy(() -> user(a, first.token("kapi", with(ok, "tenant", 5))))
                .hasMessage("oidc: error evaluating extra claim expression: claims.tenant: expression must return a "
                        + "string or a list of strings");
        Map<String, Object> noNum = new java.util.HashMap<>(ok);
        noNum.remove("num");
        assertThatThrownBy(() -> user(a, first.token("kapi", noNum)))
                .hasMessage("oidc: error evaluating uid claim expression: expression 'string(claims.num)' resulted in "
                        + "error: no such key: num");
        assertThatThrownBy(() -> user(a, first.token("third", ok)))
                .hasMessage("oidc: verify token: expected audience in [\"kapi\" \"other\"] got [\"third\"]");
    }

    @Test
    void anEmailIsTheUserOnlyWhenVerified() {
        TokenAuthenticator a = authenticator(issuer(first, "[kapi]") + """
                  claimMappings:
                    username: {claim: email, prefix: ""}
                """);
        assertThat(user(a, first.token("kapi", Map.of("email", "a@example.com"))).name()).isEqualTo("a@example.com");
        assertThat(user(a, first.token("kapi", Map.of("email", "a@example.com", "email_verified", true))).name())
                .isEqualTo("a@example.com");
        assertThatThrownBy(() -> user(a, first.token("kapi", Map.of("email", "a@example.com", "email_verified", false))))
                .hasMessage("oidc: email not verified");
        assertThatThrownBy(() -> user(a, first.token("kapi", Map.of("email", "a@example.com",
                "email_verified", "true")))).hasMessage("oidc: parse 'email_verified' claim: json: cannot unmarshal "
                + "string into Go value of type bool");
    }

    @Test
    void eachIssuersTokensGoToItsAuthenticatorAndOthersAreLeftAlone() {
        String secondWithDiscovery = issuer(second, "[kapi]") + "    discoveryURL: " + second.issuer() + "/discovery\n";
        TokenAuthenticator a = authenticator(issuer(first, "[kapi]") + """
                  claimMappings:
                    username: {claim: sub, prefix: "first:"}
                """ + secondWithDiscovery + """
                  claimMappings:
                    username: {claim: sub, prefix: "second:"}
                """);
        assertThat(user(a, first.token("kapi", Map.of("sub", "x"))).name()).isEqualTo("first:x");
        assertThat(user(a, second.token("kapi", Map.of("sub", "x"))).name()).isEqualTo("second:x");
        try (JwtIssuer stranger = JwtIssuer.start()) {
            assertThat(a.authenticateToken(stranger.token("kapi", Map.of("sub", "x")), List.of())).isEmpty();
        }
        // a token claiming the first issuer but signed by another key is refused, not passed on
        String forged = second.token("kapi", Map.of("sub", "x")).replaceFirst("^[^.]+\\.[^.]+", headerAndPayload(
                first.token("kapi", Map.of("sub", "x"))));
        assertThatThrownBy(() -> a.authenticateToken(forged, List.of()))
                .hasMessage("oidc: verify token: failed to verify signature");
        // a TokenReview for another audience than the API's is not answered
        assertThat(a.authenticate(first.token("kapi", Map.of("sub", "x")), List.of("vault"))).isEmpty();
    }

    private static String headerAndPayload(String token) {
        return token.substring(0, token.lastIndexOf('.'));
    }

    private static Map<String, Object> with(Map<String, Object> claims, String key, Object value) {
        Map<String, Object> out = new java.util.HashMap<>(claims);
        out.put(key, value);
        return out;
    }
}

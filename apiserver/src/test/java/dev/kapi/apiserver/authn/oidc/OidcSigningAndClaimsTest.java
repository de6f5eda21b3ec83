package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --oidc-signing-algs} and {@code --oidc-required-claim} as kube reads them, against a small issuer (a
 * discovery document and a JWKS with an RSA and an EC key) served over HTTP on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSigningAndClaimsTest {

    HttpServer server;
    String issuer;
    RSAKey rsa;
    ECKey ec;

    @BeforeAll
    void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/keys\"}";
        String keys = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
        server.createContext("/.well-known/openid-configuration", ex -> answer(ex, discovery));
        server.createContext("/keys", ex -> answer(ex, keys));
        server.start();
    }

    @AfterAll
    void stop() {
        server.stop(0);
    }

    @Test
    void rs256IsTheDefaultAndOtherAlgorithmsComeWithTheFlag() throws Exception {
        String es256 = token(JWSAlgorithm.ES256, Map.of());
        String ps256 = token(JWSAlgorithm.PS256, Map.of());
        assertThat(authenticator(List.of(), Map.of()).authenticateToken(token(JWSAlgorithm.RS256, Map.of()),
                List.of())).map(UserInfo::name).contains("alice");
        assertThatThrownBy(() -> authenticator(List.of(), Map.of()).authenticateToken(es256, List.of()))
                .isInstanceOf(BadCredentialsException.class)
                .hasMessage("oidc: id token signed with unsupported algorithm, expected [RS256] got \"ES256\"");
        OidcTokenAuthenticator both = authenticator(List.of("ES256", "PS256"), Map.of());
        assertThat(both.authenticateToken(es256, List.of())).map(UserInfo::name).contains("alice");
        assertThat(both.authenticateToken(ps256, List.of())).map(UserInfo::name).contains("alice");
        assertThatThrownBy(() -> both.authenticateToken(token(JWSAlgorithm.RS256, Map.of()), List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("unsupported algorithm");
    }

    /** A token whose header names an algorithm its key cannot make is refused, not accepted by another key. */
    @Test
    void aSignatureMustBeTheHeadersAlgorithmByOneOfTheIssuersKeys() throws Exception {
        String es256 = token(JWSAlgorithm.ES256, Map.of());
        String[] parts = es256.split("\\.");
        String relabelled = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"ES384\",\"kid\":\"ec\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
        assertThatThrownBy(() -> authenticator(List.of("ES256", "ES384"), Map.of()).authenticateToken(relabelled,
                List.of())).isInstanceOf(BadCredentialsException.class).hasMessageContaining("signature");
    }

    @Test
    void requiredClaimsMustBePresentWithTheirValue() throws Exception {
        OidcTokenAuthenticator needsTenant = authenticator(List.of(), Map.of("tenant", "acme"));
        assertThat(needsTenant.authenticateToken(token(JWSAlgorithm.RS256, Map.of("tenant", "acme")), List.of()))
                .isPresent();
        assertThatThrownBy(() -> needsTenant.authenticateToken(token(JWSAlgorithm.RS256, Map.of()), List.of()))
                .hasMessage("oidc: required claim tenant not present in ID token");
        assertThatThrownBy(() -> needsTenant.authenticateToken(token(JWSAlgorithm.RS256, Map.of("tenant", "evil")),
                List.of())).hasMessage("oidc: required claim tenant value does not match. Got = evil, want = acme");
        assertThatThrownBy(() -> needsTenant.authenticateToken(token(JWSAlgorithm.RS256,
                Map.of("tenant", List.of("acme"))), List.of())).hasMessage("oidc: parse claim tenant: json: cannot unmarshal array into Go value of type string");
    }

    @Test
    void anAlgorithmKubeDoesNotAllowIsRefusedAtStart() {
        for (String alg : List.of("HS256", "none", "rs256")) {
            assertThatThrownBy(() -> new OidcOptions(issuer, "kubernetes", "sub", "-", "", "", null, List.of(alg),
                    Map.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("oidc: unsupported signing alg: \"" + alg + "\"");
        }
    }

    private OidcTokenAuthenticator authenticator(List<String> algs, Map<String, String> required) {
        OidcOptions options = new OidcOptions(issuer, "kubernetes", "sub", "-", "", "", null, algs, required);
        return new OidcTokenAuthenticator(options, new OidcProviderKeys(issuer, HttpClient.newHttpClient(),
                Clock.systemUTC()), List.of("https://kubernetes.default.svc.cluster.local"), Clock.systemUTC());
    }

    private String token(JWSAlgorithm alg, Map<String, Object> extra) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("alice")
                .audience("kubernetes").expirationTime(Date.from(Instant.now().plusSeconds(300)));
        extra.forEach(claims::claim);
        boolean isEc = alg.getName().startsWith("ES");
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(isEc ? "ec" : "rsa").build(), claims.build());
        jwt.sign(isEc ? new ECDSASigner(ec) : new RSASSASigner(rsa));
        return jwt.serialize();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}

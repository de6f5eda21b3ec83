package dev.kapi.apiserver.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small OIDC issuer for tests, over HTTPS on 127.0.0.1 with a CA of its own ({@link #caPem()}): a discovery
 * document at {@code <issuer>/.well-known/openid-configuration} (and the same at {@code /discovery}, for a
 * {@code discoveryURL}), its RSA key at {@code /keys}, and {@link #token} to sign ID tokens with it.
 */
public final class JwtIssuer implements AutoCloseable {

    private final HttpsServer server;
    private final RSAKey key;
    private final String caPem;
    private final String issuer;

    private JwtIssuer(HttpsServer server, RSAKey key, String caPem) {
        this.server = server;
        this.key = key;
        this.caPem = caPem;
        this.issuer = "https://127.0.0.1:" + server.getAddress().getPort();
    }

    public static JwtIssuer start() {
        try {
            Certificates.Issued ca = Certificates.selfSignedCa("jwt-issuer-ca", Duration.ofHours(1));
            Certificates.Issued serving = Certificates.serving(ca, "127.0.0.1", List.of("127.0.0.1"),
                    Duration.ofHours(1));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(Certificates.keyManagers(serving.key(), List.of(serving.certificate())), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            JwtIssuer issuer = new JwtIssuer(server, new RSAKeyGenerator(2048).keyID("k1").generate(),
                    Pem.certificates(List.of(ca.certificate())));
            String discovery = "{\"issuer\":\"" + issuer.issuer + "\",\"jwks_uri\":\"" + issuer.issuer + "/keys\"}";
            server.createContext("/.well-known/openid-configuration", ex -> answer(ex, discovery));
            server.createContext("/discovery", ex -> answer(ex, discovery));
            server.createContext("/keys", ex -> answer(ex, new JWKSet(issuer.key.toPublicJWK()).toString()));
            server.start();
            return issuer;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test issuer", e);
        }
    }

    /** {@code https://127.0.0.1:<port>}, the {@code iss} of its tokens. */
    public String issuer() {
        return issuer;
    }

    /** The PEM of the CA its serving certificate comes from. */
    public String caPem() {
        return caPem;
    }

    /**
     * This issuer as one {@code jwt[]} entry of an AuthenticationConfiguration, its CA inline, up to its
     * {@code audiences} (a YAML list, e.g. {@code [kapi]}); the entry's other fields follow at two spaces.
     */
    public String configEntry(String audiences) {
        return """
                - issuer:
                    url: %s
                    certificateAuthority: |
                %s
                    audiences: %s
                """.formatted(issuer, caPem.indent(6).stripTrailing(), audiences);
    }

    /** A token for {@code audience}, valid for an hour, with {@code claims} beside {@code iss}, {@code aud}, times. */
    public String token(String audience, Map<String, Object> claims) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                b.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.kapi.testprovider;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A real OIDC provider for tests: Spring Authorization Server in a small Spring Boot app on a random
 * port of 127.0.0.1 over HTTPS with a CA of its own ({@link #caFile()}; its issuer is
 * {@code https://127.0.0.1:<port>}, as kube requires an https issuer). Its clients get JWT
 * access tokens by the client_credentials grant; a token customizer adds an email and groups, and for
 * the client {@code unverified} an unverified email with audience {@code kubernetes}; the client
 * {@code shortlived} gets tokens for audience {@code kubernetes} that expire {@link #SHORT_TTL} after issue.
 * Lives outside {@code dev.kapi.apiserver} so the server's component scan never sees it.
 */
public final class OidcProvider implements AutoCloseable {

    /** How long the access tokens of the client {@code shortlived} live. */
    public static final java.time.Duration SHORT_TTL = java.time.Duration.ofSeconds(3);

    /** Each client's secret (the server refuses two clients with the same one). */
    static String secret(String clientId) {
        return clientId + "-s3cret";
    }

    private final ConfigurableApplicationContext context;
    private final String issuer;
    private final java.nio.file.Path caFile;
    private final HttpClient http;

    private OidcProvider(ConfigurableApplicationContext context, java.nio.file.Path caFile) {
        this.context = context;
        this.caFile = caFile;
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.issuer = "https://127.0.0.1:" + port;
        this.http = dev.kapi.apiserver.authn.oidc.OidcProviderKeys.httpClient(caFile);
    }

    public static OidcProvider start() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kapi-oidc-provider-");
            dir.toFile().deleteOnExit();
            var ca = dev.kapi.apiserver.server.tls.Certificates.selfSignedCa("oidc-provider-ca",
                    java.time.Duration.ofHours(2));
            var serving = dev.kapi.apiserver.server.tls.Certificates.serving(ca, "127.0.0.1", List.of("127.0.0.1"),
                    java.time.Duration.ofHours(2));
            java.nio.file.Path caFile = java.nio.file.Files.writeString(dir.resolve("ca.crt"),
                    dev.kapi.apiserver.server.tls.Pem.certificates(List.of(ca.certificate())));
            java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("tls.crt"),
                    dev.kapi.apiserver.server.tls.Pem.certificates(List.of(serving.certificate())));
            java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("tls.key"),
                    dev.kapi.apiserver.server.tls.Pem.privateKey(serving.key()));
            for (java.nio.file.Path f : List.of(caFile, cert, key)) {
                f.toFile().deleteOnExit();
            }
            return new OidcProvider(new SpringApplicationBuilder(App.class).run("--server.port=0",
                    "--server.address=127.0.0.1", "--spring.config.name=oidc-test-provider",
                    "--server.ssl.certificate=file:" + cert, "--server.ssl.certificate-private-key=file:" + key,
                    "--spring.main.banner-mode=off", "--logging.level.root=warn"), caFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** The PEM file of the CA its serving certificate comes from (for {@code --oidc-ca-file}). */
    public java.nio.file.Path caFile() {
        return caFile;
    }

    /** An access token (a JWT) for the client, by the client_credentials grant. */
    public String token(String clientId) throws IOException, InterruptedException, java.text.ParseException {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret(clientId)).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=openid")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + res.statusCode() + " " + res.body());
        }
        return com.nimbusds.jose.util.JSONObjectUtils.parse(res.body()).get("access_token").toString();
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableWebSecurity
    static class App {

        @Bean
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            http.oauth2AuthorizationServer(as -> as.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .csrf(c -> c.disable());
            return http.build();
        }

        @Bean
        RegisteredClientRepository clients() {
            return new InMemoryRegisteredClientRepository(List.of(client("kubernetes"), client("other"),
                    client("unverified"), client("shortlived")));
        }

        private static RegisteredClient client(String id) {
            RegisteredClient.Builder client = RegisteredClient.withId(UUID.randomUUID().toString()).clientId(id)
                    .clientSecret("{noop}" + secret(id))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope("openid");
            if (id.equals("shortlived")) {
                client.tokenSettings(TokenSettings.builder().accessTokenTimeToLive(SHORT_TTL).build());
            }
            return client.build();
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> claims() {
            return ctx -> {
                String client = ctx.getRegisteredClient().getClientId();
                ctx.getClaims().claim("email", client + "@example.com")
                        .claim("email_verified", !client.equals("unverified"))
                        .claim("groups", List.of("dev", "ops"));
                if (client.equals("unverified") || client.equals("shortlived")) {
                    ctx.getClaims().audience(List.of("kubernetes"));
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> jwkSource() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) kp.getPublic()).privateKey((RSAPrivateKey) kp.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
        }

        @Bean
        AuthorizationServerSettings authorizationServerSettings() {
            return AuthorizationServerSettings.builder().build();
        }
    }
}

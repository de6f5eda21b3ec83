package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.tokens.TokenRequestHandler;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token beans and flags as the server wires them. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenConfigTest {

    EtcdStorage storage;
    StoreRegistry stores;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
    }

    @AfterAll
    void stop() {
        storage.close();
    }

    ApplicationContextRunner runner(Path dataDir, String... properties) {
        return new ApplicationContextRunner()
                .withBean(StoreRegistry.class, () -> stores)
                .withBean(dev.kapi.apiserver.registry.rest.WritePipeline.class, () -> Writes.PIPELINE)
                .withUserConfiguration(ServerOptions.class, TokenWebhookOptions.class, TokenConfig.class,
                        StructuredAuthentication.class)
                .withPropertyValues("data-dir=" + dataDir)
                .withPropertyValues(properties);
    }

    @Test
    void generatesTheSigningKeyAndServesServiceAccountTokens(@TempDir Path dataDir) {
        runner(dataDir).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(Files.exists(dataDir.resolve("pki/sa.key"))).isTrue();
            assertThat(ctx.getBeansOfType(TokenAuthenticator.class)).containsOnlyKeys(
                    "serviceAccountTokenAuthenticator", "legacyServiceAccountTokenAuthenticator",
                    "oidcTokenAuthenticator", "webhookTokenAuthenticator");
            // without --oidc-issuer-url the OIDC authenticator is there (bean definitions never depend on flags)
            // but knows no token
            assertThat(ctx.getBean("oidcTokenAuthenticator", TokenAuthenticator.class)
                    .authenticateToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", java.util.List.of())).isEmpty();
            assertThat(ctx.getBeansOfType(PathHandler.class)).containsOnlyKeys("openIdConfigurationHandler",
                    "jwksHandler");
            assertThat(ctx).hasSingleBean(TokenRequestHandler.class);
            ServiceAccountTokenOptions options = ctx.getBean(ServiceAccountTokenOptions.class);
            assertThat(options.issuers()).containsExactly("https://kubernetes.default.svc.cluster.local");
            assertThat(options.apiAudiences()).containsExactly("https://kubernetes.default.svc.cluster.local");
            assertThat(options.maxExpiration()).isNull();
        });
    }

    @Test
    void readsTheFlags(@TempDir Path dataDir) {
        runner(dataDir, "service-account-issuer=https://a.example,https://b.example", "api-audiences=api,vault",
                "service-account-max-token-expiration=48h", "oidc-issuer-url=https://idp.example",
                "oidc-client-id=kubernetes").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ServiceAccountTokenOptions options = ctx.getBean(ServiceAccountTokenOptions.class);
            assertThat(options.issuer()).isEqualTo("https://a.example");
            assertThat(options.issuers()).containsExactly("https://a.example", "https://b.example");
            assertThat(options.apiAudiences()).containsExactly("api", "vault");
            assertThat(options.maxExpiration()).isEqualTo(Duration.ofHours(48));
            assertThat(ctx.getBeansOfType(TokenAuthenticator.class)).containsOnlyKeys(
                    "serviceAccountTokenAuthenticator", "legacyServiceAccountTokenAuthenticator",
                    "oidcTokenAuthenticator", "webhookTokenAuthenticator");
        });
    }

    @Test
    void refusesAMaxExpirationUnderAnHour(@TempDir Path dataDir) {
        runner(dataDir, "service-account-max-token-expiration=30m").run(ctx ->
                assertThat(ctx).getFailure().hasRootCauseMessage(
                        "--service-account-max-token-expiration must be at least 1h, got 30m"));
    }

    @Test
    void refusesOidcFlagsKubeRefuses(@TempDir Path dataDir) {
        runner(dataDir, "oidc-issuer-url=https://idp.example", "oidc-client-id=kubernetes",
                "oidc-signing-algs=RS256,HS256").run(ctx ->
                assertThat(ctx).getFailure().hasRootCauseMessage("oidc: unsupported signing alg: \"HS256\""));
        runner(dataDir, "oidc-issuer-url=https://idp.example", "oidc-client-id=kubernetes",
                "oidc-required-claim=tenant").run(ctx ->
                assertThat(ctx).getFailure().hasRootCauseMessage("invalid argument \"tenant\" for "
                        + "\"--oidc-required-claim\" flag: tenant must be formatted as key=value"));
    }

    @Test
    void oidcFlagsAreValidatedAsTheJwtAuthenticatorKubeMakesOfThem(@TempDir Path dataDir) {
        runner(dataDir, "oidc-issuer-url=http://idp.example", "oidc-client-id=kubernetes").run(ctx ->
                assertThat(ctx).getFailure().hasRootCauseMessage("jwt[0].issuer.url: Invalid value: "
                        + "\"http://idp.example\": URL scheme must be https"));
        runner(dataDir, "oidc-issuer-url=https://idp.example?x=1", "oidc-client-id=kubernetes").run(ctx ->
                assertThat(ctx).getFailure().hasRootCauseMessage("jwt[0].issuer.url: Invalid value: "
                        + "\"https://idp.example?x=1\": URL must not contain a query"));
    }

    @Test
    void readsRequiredClaimsAsPflagReadsThem() {
        assertThat(TokenConfig.requiredClaims(List.of("tenant=acme", "hd=example.com", "empty=", "eq=a=b")))
                .containsExactly(java.util.Map.entry("tenant", "acme"), java.util.Map.entry("hd", "example.com"),
                        java.util.Map.entry("empty", ""), java.util.Map.entry("eq", "a=b"));
    }

    @ParameterizedTest
    @CsvSource({"24h,86400000", "1h30m,5400000", "3600s,3600000", "1.5h,5400000", "100ms,100", "720h0m0s,2592000000"})
    void parsesGoDurations(String text, long millis) {
        assertThat(TokenConfig.parseGoDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void refusesMalformedDurations() {
        assertThat(TokenConfig.parseGoDuration("")).isNull();
        assertThat(TokenConfig.parseGoDuration("0")).isNull();
        for (String bad : List.of("1d", "h", "24", "1h x")) {
            assertThatThrownBy(() -> TokenConfig.parseGoDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

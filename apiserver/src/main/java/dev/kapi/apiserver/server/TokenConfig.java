package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.CachedTokenAuthenticator;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.TokenWebhook;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoAggregate;
import dev.kapi.apiserver.authn.oidc.OidcOptions;
import dev.kapi.apiserver.authn.oidc.OidcProviderKeys;
import dev.kapi.apiserver.authn.oidc.OidcTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.LegacyServiceAccountTokens;
import dev.kapi.apiserver.authn.serviceaccount.LegacyTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenGenerator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.tokens.BoundObjects;
import dev.kapi.apiserver.endpoints.tokens.JwksHandler;
import dev.kapi.apiserver.endpoints.tokens.OpenIdConfigurationHandler;
import dev.kapi.apiserver.endpoints.tokens.StoredLegacyTokenLookup;
import dev.kapi.apiserver.endpoints.tokens.TokenRequestHandler;
import dev.kapi.apiserver.endpoints.tokens.WatchedServiceAccountLookup;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.webhook.RetryBackoff;
import dev.kapi.apiserver.webhook.WebhookTarget;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.nio.file.Path;
import java.time.Clock;
import dev.kapi.apiserver.api.GoDuration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ServiceAccount tokens, OIDC and the authentication webhook: the signing/verifying keys, the token generator behind
 * {@code serviceaccounts/<name>/token}, the ServiceAccount token authenticator, the issuer's discovery
 * documents ({@code /.well-known/openid-configuration}, {@code /openid/v1/jwks}), the OIDC token authenticator
 * when {@code --oidc-issuer-url} is set and the webhook's when {@code --authentication-token-webhook-config-file}
 * is. Token authenticators are asked in their {@code @Order}, kube's: the token file (0), ServiceAccount tokens
 * (10, 20), OIDC (30), the webhook (100).
 */
@Configuration(proxyBeanMethods = false)
public class TokenConfig {

    /** Where the ServiceAccount signing key is generated when {@code --service-account-signing-key-file} is unset. */
    static final String GENERATED_KEY = "pki/sa.key";

    @Bean
    ServiceAccountTokenOptions serviceAccountTokenOptions(ServerOptions options) {
        ServerOptions.ServiceAccountTokenFlags f = options.serviceAccountTokens();
        try {
            Duration max = parseGoDuration(f.maxTokenExpiration());
            if (max != null && max.compareTo(Duration.ofHours(1)) < 0) {
                throw new StartupFailure("--service-account-max-token-expiration must be at least 1h, got "
                        + f.maxTokenExpiration());
            }
            return new ServiceAccountTokenOptions(f.issuers(), f.apiAudiences(), max);
        } catch (IllegalArgumentException e) { // e.g. --service-account-issuer naming none
            throw new StartupFailure(e.getMessage(), e);
        }
    }

    @Bean
    ServiceAccountKeys serviceAccountKeys(ServerOptions options) {
        ServerOptions.ServiceAccountTokenFlags f = options.serviceAccountTokens();
        SecurityConfig.readable("--service-account-signing-key-file", f.signingKeyFile());
        f.keyFiles().forEach(file -> SecurityConfig.readable("--service-account-key-file", file));
        try {
            return ServiceAccountKeys.load(f.signingKeyFile().isEmpty() ? null : Path.of(f.signingKeyFile()),
                    f.keyFiles().stream().map(Path::of).toList(), options.dataDir().resolve(GENERATED_KEY));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw StartupFailure.of(f.signingKeyFile().isEmpty() && f.keyFiles().isEmpty()
                    ? "the service account key " + options.dataDir().resolve(GENERATED_KEY)
                    : "--service-account-key-file, --service-account-signing-key-file", e);
        }
    }

    @Bean
    ServiceAccountTokenGenerator serviceAccountTokenGenerator(ServiceAccountKeys keys,
                                                              ServiceAccountTokenOptions options) {
        return new ServiceAccountTokenGenerator(keys, options.issuer());
    }

    @Bean
    BoundObjects tokenBoundObjects(StoreRegistry stores) {
        return new BoundObjects(stores);
    }

    /**
     * Not part of /readyz's informer-sync (kube's is): until its informers have listed, a lookup reads storage,
     * and a Secret storage cannot decrypt (its key removed from the encryption configuration) would fail the
     * Secrets' list for ever and keep the whole server unready.
     */
    @Bean(destroyMethod = "close")
    WatchedServiceAccountLookup serviceAccountLookup(BoundObjects objects) {
        return new WatchedServiceAccountLookup(objects).start();
    }

    @Bean
    @Order(10)
    TokenAuthenticator serviceAccountTokenAuthenticator(ServiceAccountKeys keys, ServiceAccountTokenOptions options,
                                                        WatchedServiceAccountLookup lookup) {
        return new ServiceAccountTokenAuthenticator(keys, options, lookup, Clock.systemUTC());
    }

    /** Secret-based tokens, which the serviceaccount-token-controller writes (kube's legacy validator). */
    @Bean
    @Order(20)
    TokenAuthenticator legacyServiceAccountTokenAuthenticator(ServiceAccountKeys keys, StoreRegistry stores,
                                                              WritePipeline writes, ServiceAccountTokenOptions tokens) {
        return new LegacyTokenAuthenticator(keys, new StoredLegacyTokenLookup(stores, writes), Clock.systemUTC(),
                tokens.apiAudiences());
    }

    @Bean
    LegacyServiceAccountTokens legacyServiceAccountTokens(ServiceAccountKeys keys) {
        return new LegacyServiceAccountTokens(keys);
    }

    @Bean
    TokenRequestHandler tokenRequestHandler(ServiceAccountTokenGenerator generator,
                                            ServiceAccountTokenOptions options, BoundObjects objects) {
        return new TokenRequestHandler(generator, options, objects, Clock.systemUTC());
    }

    @Bean
    PathHandler openIdConfigurationHandler(ServiceAccountTokenOptions options) {
        return new OpenIdConfigurationHandler(options.issuer());
    }

    @Bean
    PathHandler jwksHandler(ServiceAccountKeys keys) {
        return new JwksHandler(keys);
    }

    /**
     * The OIDC authenticator when {@code --oidc-issuer-url} is set, otherwise one that knows no token. A bean either
     * way (no condition on the flag), so that the bean definitions do not depend on flags: the in-JVM test server
     * runs them as Spring's ahead-of-time processing fixed them at build time.
     */
    @Bean
    @Order(30)
    TokenAuthenticator oidcTokenAuthenticator(ServerOptions options, ServiceAccountTokenOptions tokens,
                                              StructuredAuthentication structured) {
        return structured.configured() ? structured.tokenAuthenticator() : oidc(options.oidc(), tokens);
    }

    /** The OIDC authenticator of the {@code --oidc-*} flags (one that knows no token without an issuer). */
    static TokenAuthenticator oidc(ServerOptions.OidcFlags f, ServiceAccountTokenOptions tokens) {
        if (f.issuerUrl() == null || f.issuerUrl().isEmpty()) {
            return (token, audiences) -> Optional.empty();
        }
        SecurityConfig.readable("--oidc-ca-file", f.caFile());
        OidcOptions oidc;
        try {
            oidc = new OidcOptions(f.issuerUrl(), f.clientId(), f.usernameClaim(), f.usernamePrefix(),
                    f.groupsClaim(), f.groupsPrefix(), f.caFile().isEmpty() ? null : Path.of(f.caFile()),
                    f.signingAlgs(), requiredClaims(f.requiredClaims()));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
        // kube validates the flags as the JWT authenticator it makes of them: an https issuer (its keys are trusted
        // from it), not a ServiceAccount issuer (whose tokens would pass as ID tokens), ...
        List<FieldError> errors = AuthenticationConfigValidation.validate(List.of(oidc.toConfig()), tokens.issuers());
        if (!errors.isEmpty()) {
            throw new StartupFailure(GoAggregate.of(errors.stream().map(FieldError::toString).toList()));
        }
        OidcProviderKeys keys = new OidcProviderKeys(oidc.issuerUrl(),
                OidcProviderKeys.httpClient(oidc.caFile()), Clock.systemUTC());
        return new OidcTokenAuthenticator(oidc, keys, tokens.apiAudiences(), Clock.systemUTC());
    }

    /**
     * {@code --authentication-token-webhook-config-file}: the authentication webhook, asked last (after the token
     * file, ServiceAccount tokens and OIDC, as in kube), behind its cache; without the flag one that knows no token.
     */
    @Bean
    @Order(100)
    TokenAuthenticator webhookTokenAuthenticator(TokenWebhookOptions webhook, ServiceAccountTokenOptions tokens) {
        if (webhook.configFile().isEmpty()) {
            return (token, audiences) -> Optional.empty();
        }
        WebhookTarget target;
        try {
            target = WebhookKubeconfig.read(Path.of(webhook.configFile()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw StartupFailure.of("--authentication-token-webhook-config-file", e);
        }
        TokenAuthenticator review;
        try {
            review = new TokenWebhook(target, webhook.version(), tokens.apiAudiences(), RetryBackoff.KUBE_INITIAL);
        } catch (IllegalArgumentException e) {
            throw StartupFailure.of("--authentication-token-webhook-version", e);
        }
        // with a TTL of 0 too, as kube: concurrent reviews of one token still share one call
        return new CachedTokenAuthenticator(review, webhook.cacheTtl());
    }

    /** {@code --oidc-required-claim}'s entries as pflag's string-to-string flag reads them: {@code claim=value}. */
    static Map<String, String> requiredClaims(List<String> entries) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("invalid argument \"" + entry
                        + "\" for \"--oidc-required-claim\" flag: " + entry + " must be formatted as key=value");
            }
            claims.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return claims;
    }

    /** A Go duration ({@code 24h}, {@code 1h30m}, {@code 3600s}); "" or 0 = null (no limit); never negative. */
    static Duration parseGoDuration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d = GoDuration.parse(value.trim());
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative: " + value);
        }
        return d.isZero() ? null : d;
    }
}

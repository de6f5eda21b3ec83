package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.AnonymousAccess;
import dev.kapi.apiserver.authn.ParsedJwt;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig;
import dev.kapi.apiserver.authn.oidc.OidcProviderKeys;
import dev.kapi.apiserver.authn.oidc.OidcTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.controlplane.ReplicaReconciler;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code --authentication-config} ({@link AuthenticationConfigFile}): its JWT authenticators replace the
 * {@code --oidc-*} flags (setting both stops the start, as in kube) and its {@code anonymous} section replaces
 * {@code --anonymous-auth} (likewise). The file is read again every few seconds, as kube watches it: a changed, valid
 * file whose issuers' keys can all be read replaces the JWT authenticators (a file that cannot be used is logged
 * and left until it changes again; issuers that cannot be reached yet are tried again at the next check), counted in
 * kube's {@code apiserver_authentication_config_controller_automatic_reload*} meters. The {@code anonymous}
 * section cannot change (kube's rule). Without the flag: no JWT authenticators of a file, anonymous requests as
 * {@code --anonymous-auth} says, except that {@code --authorization-mode} naming {@code AlwaysAllow} turns it off
 * (kube's rule: anonymous users would be allowed everything).
 */
@Component
public class StructuredAuthentication implements AutoCloseable {

    static final List<String> OIDC_FLAGS = List.of("oidc-issuer-url", "oidc-client-id", "oidc-ca-file",
            "oidc-username-claim", "oidc-username-prefix", "oidc-groups-claim", "oidc-groups-prefix",
            "oidc-signing-algs", "oidc-required-claim");
    private static final Logger log = LoggerFactory.getLogger(StructuredAuthentication.class);

    private final Path file;
    private final ServiceAccountTokenOptions tokens;
    private final AnonymousAccess anonymous;
    private final AnonymousAccess anonymousSection;
    private final ObjectProvider<MeterRegistry> meters;
    private final ObjectProvider<ReplicaReconciler> replica;
    private volatile Map<String, OidcTokenAuthenticator> authenticators;
    private ConfigReloadMeters reloadMeters;
    private byte[] lastRead;
    private final ScheduledExecutorService reloads;

    public StructuredAuthentication(@Value("${authentication-config:}") String file,
                                    @Value("${anonymous-auth:true}") boolean anonymousAuth, Environment environment,
                                    ServiceAccountTokenOptions tokens, ObjectProvider<MeterRegistry> meters,
                                    ObjectProvider<ReplicaReconciler> replica) {
        this.tokens = tokens;
        this.meters = meters;
        this.replica = replica;
        boolean alwaysAllow = List.of(environment.getProperty("authorization-mode", "").split(",")).stream()
                .map(String::trim).anyMatch("AlwaysAllow"::equals);
        if (anonymousAuth && alwaysAllow) { // kube's rule: anonymous users would be allowed everything
            log.warn("AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false. "
                    + "You should use a different authorizer");
        }
        AnonymousAccess byFlag = anonymousAuth && !alwaysAllow ? AnonymousAccess.ALL : AnonymousAccess.NONE;
        if (file.isEmpty()) {
            this.file = null;
            this.anonymous = byFlag;
            this.anonymousSection = null;
            this.reloads = null;
            return;
        }
        if (OIDC_FLAGS.stream().anyMatch(environment::containsProperty)) {
            throw new StartupFailure("authentication-config file and oidc-* flags are mutually exclusive");
        }
        SecurityConfig.readable("--authentication-config", file);
        this.file = Path.of(file);
        AuthenticationConfigFile.Config config;
        try {
            lastRead = StructuredAuthorization.read(this.file);
            config = AuthenticationConfigFile.parse(lastRead, tokens.issuers());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupFailure("failed to load authentication configuration from file \"" + file + "\": "
                    + e.getMessage(), e);
        }
        if (config.anonymous() != null && environment.containsProperty("anonymous-auth")) {
            // kube 1.32's message, its misspelt flag name included
            throw new StartupFailure("anonymous: Forbidden: --anonynous-auth flag cannot be set when anonymous field "
                    + "is configured in authentication configuration file");
        }
        this.anonymousSection = config.anonymous();
        this.anonymous = config.anonymous() != null ? config.anonymous() : byFlag;
        this.authenticators = byIssuer(build(config.jwt(), tokens.apiAudiences()));
        Duration every = environment.getProperty("kapi.authentication-config-check-interval", Duration.class,
                Duration.ofSeconds(5));
        reloads = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("authentication-config-reload").factory());
        reloads.scheduleWithFixedDelay(this::reload, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether {@code --authentication-config} is set (then {@link #tokenAuthenticator} replaces the flags' OIDC). */
    public boolean configured() {
        return file != null;
    }

    /**
     * The file's JWT authenticators, as they are when a token comes: a token goes to the one whose issuer it names
     * (issuers are unique), the others leave it (empty).
     */
    public TokenAuthenticator tokenAuthenticator() {
        return (token, audiences) -> first(authenticators, token, audiences);
    }

    /** The union of the authenticators of {@code configs} (as {@link #tokenAuthenticator}, without reloads). */
    static TokenAuthenticator authenticator(List<JwtAuthenticatorConfig> configs, List<String> apiAudiences) {
        Map<String, OidcTokenAuthenticator> all = byIssuer(build(configs, apiAudiences));
        return (token, audiences) -> first(all, token, audiences);
    }

    /** The authenticator of the issuer the token names (issuers are unique), which decides; none: not ours. */
    private static Optional<TokenAuthenticator.Authenticated> first(Map<String, OidcTokenAuthenticator> byIssuer,
                                                                    String token, List<String> audiences) {
        Optional<ParsedJwt> parsed = ParsedJwt.parse(token);
        OidcTokenAuthenticator owner = parsed.isEmpty() || parsed.get().claims().getIssuer() == null ? null
                : byIssuer.get(parsed.get().claims().getIssuer());
        return owner == null ? Optional.empty() : owner.authenticate(token, audiences);
    }

    private static Map<String, OidcTokenAuthenticator> byIssuer(List<OidcTokenAuthenticator> all) {
        Map<String, OidcTokenAuthenticator> map = new LinkedHashMap<>();
        all.forEach(a -> map.put(a.issuer(), a));
        return Map.copyOf(map);
    }

    /** Which requests without credentials are {@code system:anonymous}. */
    public AnonymousAccess anonymous() {
        return anonymous;
    }

    /** The authenticators of {@code configs}, each reading its issuer's keys when a token first needs them. */
    static List<OidcTokenAuthenticator> build(List<JwtAuthenticatorConfig> configs, List<String> apiAudiences) {
        return configs.stream().map(c -> new OidcTokenAuthenticator(c, OidcTokenAuthenticator.ALL_ASYMMETRIC,
                new OidcProviderKeys(c.issuer().url(), c.issuer().discoveryUrl(),
                        OidcProviderKeys.httpClientTrusting(c.issuer().certificateAuthority()), Clock.systemUTC()),
                apiAudiences, Clock.systemUTC())).toList();
    }

    /** Reads the file again; never throws (a throw would end the checks). */
    synchronized void reload() {
        try {
            reloadOnce();
        } catch (Throwable e) { // not even an Error may end the checks
            log.warn("--authentication-config: checking {} failed, the authenticators in use stay", file, e);
        }
    }

    private void reloadOnce() {
        byte[] bytes;
        try {
            bytes = StructuredAuthorization.read(file);
        } catch (IOException e) {
            log.warn("--authentication-config: cannot read {} again, the authenticators in use stay: {}", file,
                    StartupFailure.reason(e));
            counted(false);
            return;
        }
        if (Arrays.equals(bytes, lastRead)) {
            return;
        }
        List<OidcTokenAuthenticator> next;
        try {
            AuthenticationConfigFile.Config config = AuthenticationConfigFile.parse(bytes, tokens.issuers());
            if (!Objects.equals(config.anonymous(), anonymousSection)) {
                throw new IllegalArgumentException("anonymous: Forbidden: changed from initial configuration file");
            }
            next = build(config.jwt(), tokens.apiAudiences());
        } catch (RuntimeException e) {
            lastRead = bytes; // not tried again until it changes, as kube
            log.warn("--authentication-config: {} changed but cannot be used, the authenticators in use stay: {}",
                    file, e.getMessage());
            counted(false);
            return;
        }
        for (OidcTokenAuthenticator a : next) {
            try {
                a.checkProvider();
            } catch (IllegalStateException e) { // tried again at the next check, as kube waits for healthy issuers
                log.warn("--authentication-config: oidc: authenticator for issuer \"{}\" is not healthy: {}",
                        a.issuer(), e.getMessage());
                counted(false);
                return;
            }
        }
        lastRead = bytes;
        authenticators = byIssuer(next);
        log.info("--authentication-config: reloaded authentication config from {}, {} JWT authenticators", file,
                next.size());
        counted(true);
    }

    private void counted(boolean succeeded) {
        if (reloadMeters == null) {
            MeterRegistry registry = meters.getIfAvailable();
            if (registry == null) {
                return;
            }
            reloadMeters = new ConfigReloadMeters(registry, "authentication", () -> {
                ReplicaReconciler r = replica.getIfAvailable();
                return r == null ? "" : r.serverId();
            });
        }
        reloadMeters.reloaded(succeeded);
    }

    @Override
    public void close() {
        if (reloads != null) {
            reloads.shutdownNow();
        }
    }
}

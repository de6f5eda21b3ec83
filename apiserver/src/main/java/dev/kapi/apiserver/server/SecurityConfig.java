package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.Authenticator;
import dev.kapi.apiserver.authn.BearerTokenAuthenticator;
import dev.kapi.apiserver.authn.RequestHeaderAuthenticator;
import dev.kapi.apiserver.authn.StaticTokenFile;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.X509Authenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.authz.AuthorizationMetrics;
import dev.kapi.apiserver.authz.AuthorizationModes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.WebhookAuthorizer;
import dev.kapi.apiserver.authz.WebhookMatchConditions;
import dev.kapi.apiserver.controlplane.ReplicaReconciler;
import dev.kapi.apiserver.server.tls.ServingPki;
import dev.kapi.apiserver.webhook.RetryBackoff;
import dev.kapi.apiserver.webhook.WebhookTarget;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The security beans: certificates, authenticators (in the order they are asked: front proxy, client
 * certificate, then bearer token) and the {@code --authorization-mode} authorizer chain. The filter chain using
 * them is in {@link HandlerChain}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    ServingPki servingPki(ServerOptions options, DataDir dataDir) {
        List<String> sans = new ArrayList<>(options.tlsSans());
        if (!options.bindAddress().equals("0.0.0.0") && !options.bindAddress().equals("::")) {
            sans.add(options.bindAddress());
        }
        readable("--tls-cert-file", options.tlsCertFile());
        readable("--tls-private-key-file", options.tlsPrivateKeyFile());
        readable("--client-ca-file", options.clientCaFile());
        try {
            return ServingPki.load(new ServingPki.Settings(dataDir.path(), options.tlsCertFile(),
                    options.tlsPrivateKeyFile(), ServingPki.defaultSans(sans), options.clientCaFile()));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            List<String> named = new ArrayList<>();
            for (String[] f : new String[][] {{"--tls-cert-file", options.tlsCertFile()}, {"--tls-private-key-file",
                    options.tlsPrivateKeyFile()}, {"--client-ca-file", options.clientCaFile()}}) {
                if (f[1] != null && !f[1].isEmpty()) {
                    named.add(f[0] + " " + f[1]);
                }
            }
            throw new StartupFailure("cannot load the serving certificate, key and client CAs ("
                    + (named.isEmpty() ? "Kapi's own in " + dataDir.path().resolve("pki") : String.join(", ", named))
                    + "): " + StartupFailure.reason(e), e);
        }
    }

    /** A file a flag names must be there to read; unset (empty) passes. */
    static void readable(String flag, String file) {
        if (file != null && !file.isEmpty() && java.nio.file.Files.isDirectory(Path.of(file))) {
            throw new StartupFailure(flag + ": read " + file + ": is a directory");
        }
        if (file != null && !file.isEmpty()) {
            try {
                java.nio.file.Files.newInputStream(Path.of(file)).close();
            } catch (IOException | java.nio.file.InvalidPathException e) {
                throw StartupFailure.of(flag, e);
            }
        }
    }

    /**
     * {@code --requestheader-client-ca-file}: a front proxy's headers, asked first as in kube; without the flag
     * one that never names a user.
     */
    @Bean
    @Order(0)
    Authenticator requestHeaderAuthenticator(RequestHeaderOptions options) {
        return options.settings().<Authenticator>map(RequestHeaderAuthenticator::new)
                .orElse(request -> Optional.empty());
    }

    @Bean
    @Order(1)
    Authenticator x509Authenticator(ServingPki pki) {
        return new X509Authenticator(pki.clientCas());
    }

    @Bean
    @Order(2)
    Authenticator bearerTokenAuthenticator(ObjectProvider<TokenAuthenticator> tokenAuthenticators) {
        return new BearerTokenAuthenticator(() -> tokenAuthenticators.orderedStream().toList());
    }

    /**
     * {@code --token-auth-file}, asked before the other token authenticators (ServiceAccounts, OIDC); without the
     * flag one that knows no token (a bean either way: bean definitions never depend on flags, see
     * {@code TokenConfig#oidcTokenAuthenticator}).
     */
    @Bean
    @Order(0)
    TokenAuthenticator staticTokenFile(ServerOptions options, ServiceAccountTokenOptions tokens) {
        if (options.tokenAuthFile() == null || options.tokenAuthFile().isEmpty()) {
            return (token, audiences) -> Optional.empty();
        }
        try {
            return StaticTokenFile.load(Path.of(options.tokenAuthFile())).forApiAudiences(tokens.apiAudiences());
        } catch (IOException | IllegalArgumentException e) {
            throw StartupFailure.of("--token-auth-file", e);
        }
    }

    /** The flags {@code --authorization-config} may not be given with (kube's list). */
    static final List<String> UNSTRUCTURED_FLAGS = List.of("authorization-mode", "authorization-webhook-config-file",
            "authorization-webhook-version", "authorization-webhook-cache-authorized-ttl",
            "authorization-webhook-cache-unauthorized-ttl");

    /**
     * The authorizer every stage asks (the request, impersonation, review APIs): {@code system:masters}
     * first, then each {@code --authorization-mode}, or each authorizer of {@code --authorization-config} (read
     * again when the file changes; see {@link StructuredAuthorization}). RBAC is the bean named
     * {@code rbacAuthorizer}.
     */
    @Bean
    Authorization authorization(ServerOptions options, @Qualifier("rbacAuthorizer") ObjectProvider<Authorizer> rbac,
                                AuthorizationWebhookOptions webhook, Environment env,
                                ObjectProvider<MeterRegistry> meters, ObjectProvider<ReplicaReconciler> replica) {
        String config = env.getProperty("authorization-config", "");
        MeterRegistry registry = meters == null ? null : meters.getIfAvailable();
        AuthorizationMetrics metrics = registry == null ? AuthorizationMetrics.NONE : new AuthorizationMeters(registry,
                () -> replica == null || replica.getIfAvailable() == null ? "" : replica.getIfAvailable().serverId());
        if (!config.isEmpty()) {
            if (UNSTRUCTURED_FLAGS.stream().anyMatch(env::containsProperty)) {
                throw new StartupFailure("--authorization-config can not be specified when --authorization-mode or"
                        + " --authorization-webhook-* flags are defined");
            }
            StructuredAuthorization structured = new StructuredAuthorization(Path.of(config), rbac::getIfAvailable,
                    env.getProperty("kapi.authorization-config-check-interval", Duration.class, Duration.ofSeconds(5)),
                    metrics);
            return new Authorization(structured.authorizer(), structured);
        }
        if (!webhook.configFile().isEmpty() && !options.authorizationModes().contains(AuthorizationModes.WEBHOOK)) {
            throw new StartupFailure("cannot specify --authorization-webhook-config-file without mode Webhook");
        }
        try {
            Authorizer chain = AuthorizationModes.chain(options.authorizationModes(), rbac::getIfAvailable,
                    () -> webhookAuthorizer(webhook, metrics), metrics);
            return new Authorization(chain, () -> WebhookAuthorizer.in(chain).forEach(WebhookAuthorizer::close));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
    }

    /** The authorizer chain, and what stops its reloads when the server stops. */
    record Authorization(Authorizer authorizer, AutoCloseable reloads) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            reloads.close();
        }
    }

    @Bean
    @Primary
    Authorizer authorizer(Authorization authorization) {
        return authorization.authorizer();
    }

    /** {@code --authorization-webhook-config-file}'s authorizer; null without the flag. */
    static Authorizer webhookAuthorizer(AuthorizationWebhookOptions webhook, AuthorizationMetrics metrics) {
        if (webhook.configFile().isEmpty()) {
            return null;
        }
        WebhookTarget target;
        try {
            target = WebhookKubeconfig.read(Path.of(webhook.configFile()));
        } catch (IOException | IllegalArgumentException e) {
            throw StartupFailure.of("--authorization-webhook-config-file", e);
        }
        try {
            return new WebhookAuthorizer(target, new WebhookAuthorizer.Settings(webhook.version(),
                    new WebhookAuthorizer.CacheTtls(webhook.authorizedTtl(), webhook.unauthorizedTtl()),
                    WebhookTarget.CALL_TIMEOUT, false, WebhookMatchConditions.none()), RetryBackoff.KUBE_INITIAL,
                    WebhookAuthorizer.MODE_NAME, metrics);
        } catch (IllegalArgumentException e) {
            throw StartupFailure.of("--authorization-webhook-version", e);
        }
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.AnonymousAccess;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --authentication-config} ({@link AuthenticationConfigFile}), read once at start: its JWT authenticators
 * replace the {@code --oidc-*} flags (setting both stops the start, as in kube) and its {@code anonymous} section
 * replaces {@code --anonymous-auth} (likewise). Without the flag: no JWT authenticators of a file, and anonymous
 * requests as {@code --anonymous-auth} says. A changed file takes a restart (kube reloads it).
 */
@Component
public class StructuredAuthentication {

    static final List<String> OIDC_FLAGS = List.of("oidc-issuer-url", "oidc-client-id", "oidc-ca-file",
            "oidc-username-claim", "oidc-username-prefix", "oidc-groups-claim", "oidc-groups-prefix",
            "oidc-signing-algs", "oidc-required-claim");

    private final List<JwtAuthenticatorConfig> jwt;
    private final AnonymousAccess anonymous;

    public StructuredAuthentication(@Value("${authentication-config:}") String file,
                                    @Value("${anonymous-auth:true}") boolean anonymousAuth, Environment environment,
                                    ServiceAccountTokenOptions tokens) {
        AnonymousAccess byFlag = anonymousAuth ? AnonymousAccess.ALL : AnonymousAccess.NONE;
        if (file.isEmpty()) {
            this.jwt = null;
            this.anonymous = byFlag;
            return;
        }
        if (OIDC_FLAGS.stream().anyMatch(environment::containsProperty)) {
            throw new StartupFailure("authentication-config file and oidc-* flags are mutually exclusive");
        }
        SecurityConfig.readable("--authentication-config", file);
        AuthenticationConfigFile.Config config;
        try {
            config = AuthenticationConfigFile.parse(Files.readAllBytes(Path.of(file)), tokens.issuers());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupFailure("failed to load authentication configuration from file \"" + file + "\": "
                    + e.getMessage(), e);
        }
        if (config.anonymous() != null && environment.containsProperty("anonymous-auth")) {
            // kube 1.32's message, its misspelt flag name included
            throw new StartupFailure("anonymous: Forbidden: --anonynous-auth flag cannot be set when anonymous field "
                    + "is configured in authentication configuration file");
        }
        this.jwt = config.jwt();
        this.anonymous = config.anonymous() != null ? config.anonymous() : byFlag;
    }

    /** The file's JWT authenticators; null without {@code --authentication-config} (then the flags' one, if any). */
    public List<JwtAuthenticatorConfig> jwt() {
        return jwt;
    }

    /** Which requests without credentials are {@code system:anonymous}. */
    public AnonymousAccess anonymous() {
        return anonymous;
    }
}

package dev.kapi.apiserver.authn.oidc;

import java.nio.file.Path;

/**
 * The OIDC authenticator's flags, as kube-apiserver's {@code --oidc-*}: the issuer (whose discovery
 * document gives the signing keys), the client id every token must be for, the username and groups claims
 * and their prefixes, and a CA file to trust the issuer's TLS certificate with (null = the JVM's defaults).
 *
 * @param usernamePrefix "" = kube's default ({@code <issuer>#} unless the claim is {@code email}); "-" = none
 * @param groupsClaim    "" = no groups from the token
 */
public record OidcOptions(String issuerUrl, String clientId, String usernameClaim, String usernamePrefix,
                          String groupsClaim, String groupsPrefix, Path caFile) {

    public OidcOptions {
        if (issuerUrl == null || issuerUrl.isEmpty()) {
            throw new IllegalArgumentException("--oidc-issuer-url is required for OIDC");
        }
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("--oidc-client-id is required when --oidc-issuer-url is set");
        }
        usernameClaim = usernameClaim == null || usernameClaim.isEmpty() ? "sub" : usernameClaim;
        usernamePrefix = usernamePrefix == null ? "" : usernamePrefix;
        groupsClaim = groupsClaim == null ? "" : groupsClaim;
        groupsPrefix = groupsPrefix == null ? "" : groupsPrefix;
    }

    /** The prefix user names get, with kube's defaulting applied. */
    public String effectiveUsernamePrefix() {
        if (usernamePrefix.equals("-")) {
            return "";
        }
        if (usernamePrefix.isEmpty()) {
            return usernameClaim.equals("email") ? "" : issuerUrl + "#";
        }
        return usernamePrefix;
    }
}

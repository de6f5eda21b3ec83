package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jose.JWSAlgorithm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OIDC authenticator's flags, as kube-apiserver's {@code --oidc-*}: the issuer (whose discovery
 * document gives the signing keys), the client id every token must be for, the username and groups claims
 * and their prefixes, and a CA file to trust the issuer's TLS certificate with (null = the JVM's defaults).
 *
 * @param usernamePrefix "" = kube's default ({@code <issuer>#} unless the claim is {@code email}); "-" = none
 * @param groupsClaim    "" = no groups from the token
 * @param signingAlgs    {@code --oidc-signing-algs}: the algorithms a token may be signed with (empty = RS256)
 * @param requiredClaims {@code --oidc-required-claim}: claims every token must carry, each with that string value
 */
public record OidcOptions(String issuerUrl, String clientId, String usernameClaim, String usernamePrefix,
                          String groupsClaim, String groupsPrefix, Path caFile, List<String> signingAlgs,
                          Map<String, String> requiredClaims) {

    /** The algorithms kube's OIDC authenticator allows in {@code --oidc-signing-algs}. */
    static final Set<String> ALLOWED_SIGNING_ALGS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
            "PS256", "PS384", "PS512");

    /** With kube's defaults for the flags added later: RS256, no required claim. */
    public OidcOptions(String issuerUrl, String clientId, String usernameClaim, String usernamePrefix,
                       String groupsClaim, String groupsPrefix, Path caFile) {
        this(issuerUrl, clientId, usernameClaim, usernamePrefix, groupsClaim, groupsPrefix, caFile, List.of(),
                Map.of());
    }

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
        signingAlgs = signingAlgs == null || signingAlgs.isEmpty() ? List.of("RS256") : List.copyOf(signingAlgs);
        for (String alg : signingAlgs) {
            if (!ALLOWED_SIGNING_ALGS.contains(alg)) {
                throw new IllegalArgumentException("oidc: unsupported signing alg: \"" + alg + "\"");
            }
        }
        requiredClaims = requiredClaims == null ? Map.of() : Map.copyOf(requiredClaims);
    }

    /** {@link #signingAlgs()} as JOSE algorithms. */
    public List<JWSAlgorithm> signingAlgorithms() {
        return signingAlgs.stream().map(JWSAlgorithm::parse).toList();
    }

    /**
     * The flags as the one JWT authenticator kube makes of them: the issuer with the client id as its audience,
     * each required claim a claim rule, the username and groups claims with their prefixes.
     */
    public JwtAuthenticatorConfig toConfig() {
        List<JwtAuthenticatorConfig.ClaimValidationRule> rules = requiredClaims.entrySet().stream().sorted(
                Map.Entry.comparingByKey()).map(e -> new JwtAuthenticatorConfig.ClaimValidationRule(e.getKey(),
                e.getValue(), "", "")).toList();
        return new JwtAuthenticatorConfig(
                new JwtAuthenticatorConfig.Issuer(issuerUrl, "", "", List.of(clientId), ""), rules,
                new JwtAuthenticatorConfig.ClaimMappings(
                        new JwtAuthenticatorConfig.PrefixedClaimOrExpression(usernameClaim,
                                effectiveUsernamePrefix(), ""),
                        new JwtAuthenticatorConfig.PrefixedClaimOrExpression(groupsClaim, groupsPrefix, ""),
                        null, List.of()),
                List.of());
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

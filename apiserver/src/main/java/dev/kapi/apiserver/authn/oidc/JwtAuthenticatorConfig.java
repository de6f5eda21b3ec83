package dev.kapi.apiserver.authn.oidc;

import java.util.List;

/**
 * One JWT authenticator, as kube's {@code AuthenticationConfiguration} names it under {@code jwt[]} (the
 * {@code --oidc-*} flags make one too): whose tokens ({@code issuer}), what they must say
 * ({@code claimValidationRules}), how they name the user ({@code claimMappings}) and what that user must be
 * ({@code userValidationRules}). Expressions are CEL over {@code claims} (or {@code user}), see {@link ClaimsCel}.
 *
 * @param issuer               the issuer and the audiences its tokens must be for
 * @param claimValidationRules each a claim with its required value, or an expression with a message
 * @param claimMappings        username (required), groups, uid and extra
 * @param userValidationRules  expressions over the mapped user, each with a message
 */
public record JwtAuthenticatorConfig(Issuer issuer, List<ClaimValidationRule> claimValidationRules,
                                     ClaimMappings claimMappings, List<UserValidationRule> userValidationRules) {

    public JwtAuthenticatorConfig {
        claimValidationRules = claimValidationRules == null ? List.of() : List.copyOf(claimValidationRules);
        userValidationRules = userValidationRules == null ? List.of() : List.copyOf(userValidationRules);
    }

    /**
     * {@code url} is the {@code iss} tokens carry; {@code discoveryUrl} ("" for none) where the discovery document is
     * read instead of {@code <url>/.well-known/openid-configuration}; {@code certificateAuthority} PEM ("" for the
     * JVM's trust store); {@code audienceMatchPolicy} "" or {@code MatchAny}.
     */
    public record Issuer(String url, String discoveryUrl, String certificateAuthority, List<String> audiences,
                         String audienceMatchPolicy) {

        public Issuer {
            discoveryUrl = discoveryUrl == null ? "" : discoveryUrl;
            certificateAuthority = certificateAuthority == null ? "" : certificateAuthority;
            audiences = audiences == null ? List.of() : List.copyOf(audiences);
            audienceMatchPolicy = audienceMatchPolicy == null ? "" : audienceMatchPolicy;
        }
    }

    /** {@code claim} with {@code requiredValue}, or {@code expression} with {@code message}; unset ones are "". */
    public record ClaimValidationRule(String claim, String requiredValue, String expression, String message) {

        public ClaimValidationRule {
            claim = claim == null ? "" : claim;
            requiredValue = requiredValue == null ? "" : requiredValue;
            expression = expression == null ? "" : expression;
            message = message == null ? "" : message;
        }
    }

    /** A claim with its prefix (null: none given), or an expression; unset strings are "". */
    public record PrefixedClaimOrExpression(String claim, String prefix, String expression) {

        public static final PrefixedClaimOrExpression NONE = new PrefixedClaimOrExpression("", null, "");

        public PrefixedClaimOrExpression {
            claim = claim == null ? "" : claim;
            expression = expression == null ? "" : expression;
        }
    }

    /** A claim or an expression; unset ones are "". */
    public record ClaimOrExpression(String claim, String expression) {

        public static final ClaimOrExpression NONE = new ClaimOrExpression("", "");

        public ClaimOrExpression {
            claim = claim == null ? "" : claim;
            expression = expression == null ? "" : expression;
        }
    }

    /** An extra key and the expression giving its values (a string or a list of strings). */
    public record ExtraMapping(String key, String valueExpression) {
    }

    public record ClaimMappings(PrefixedClaimOrExpression username, PrefixedClaimOrExpression groups,
                                ClaimOrExpression uid, List<ExtraMapping> extra) {

        public ClaimMappings {
            username = username == null ? PrefixedClaimOrExpression.NONE : username;
            groups = groups == null ? PrefixedClaimOrExpression.NONE : groups;
            uid = uid == null ? ClaimOrExpression.NONE : uid;
            extra = extra == null ? List.of() : List.copyOf(extra);
        }
    }

    public record UserValidationRule(String expression, String message) {

        public UserValidationRule {
            expression = expression == null ? "" : expression;
            message = message == null ? "" : message;
        }
    }
}

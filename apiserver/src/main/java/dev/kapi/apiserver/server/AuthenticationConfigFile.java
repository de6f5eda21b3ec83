package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoAggregate;
import dev.kapi.apiserver.authn.AnonymousAccess;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimMappings;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimOrExpression;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimValidationRule;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ExtraMapping;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.Issuer;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.PrefixedClaimOrExpression;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.UserValidationRule;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --authentication-config}: kube's AuthenticationConfiguration ({@code apiserver.config.k8s.io/v1beta1} or
 * {@code v1alpha1}, as kube 1.32 reads it), YAML or JSON, read strictly and validated by
 * {@link AuthenticationConfigValidation} with kube's messages. For example:
 * <pre>{@code
 * apiVersion: apiserver.config.k8s.io/v1beta1
 * kind: AuthenticationConfiguration
 * jwt:
 * - issuer:
 *     url: https://issuer.example.com
 *     audiences: [kapi]
 *   claimValidationRules:
 *   - expression: 'claims.hd == "example.com"'
 *     message: the hd claim must be example.com
 *   claimMappings:
 *     username: {claim: email, prefix: ""}
 *     groups: {expression: 'claims.roles.split(",")'}
 *   userValidationRules:
 *   - expression: "!user.username.startsWith('system:')"
 *     message: username cannot use the reserved system: prefix
 * anonymous:
 *   enabled: true
 *   conditions: [{path: /livez}, {path: /readyz}]
 * }</pre>
 */
public final class AuthenticationConfigFile {

    private static final Set<String> API_VERSIONS = Set.of("apiserver.config.k8s.io/v1beta1",
            "apiserver.config.k8s.io/v1alpha1");
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("", Set.of("apiVersion", "kind", "jwt", "anonymous")),
            Map.entry("jwt[]", Set.of("issuer", "claimValidationRules", "claimMappings", "userValidationRules")),
            Map.entry("issuer", Set.of("url", "discoveryURL", "certificateAuthority", "audiences",
                    "audienceMatchPolicy")),
            Map.entry("claimValidationRules[]", Set.of("claim", "requiredValue", "expression", "message")),
            Map.entry("claimMappings", Set.of("username", "groups", "uid", "extra")),
            Map.entry("username", Set.of("claim", "prefix", "expression")),
            Map.entry("groups", Set.of("claim", "prefix", "expression")),
            Map.entry("uid", Set.of("claim", "expression")),
            Map.entry("extra[]", Set.of("key", "valueExpression")),
            Map.entry("userValidationRules[]", Set.of("expression", "message")),
            Map.entry("anonymous", Set.of("enabled", "conditions")),
            Map.entry("conditions[]", Set.of("path")));
    private static final ConfigFileReader READER = new ConfigFileReader("", FIELDS);
    private static final JsonNode EMPTY = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();

    /** The file's JWT authenticators, in order, and its {@code anonymous} section (null when it has none). */
    public record Config(List<JwtAuthenticatorConfig> jwt, AnonymousAccess anonymous) {
    }

    private AuthenticationConfigFile() {
    }

    /**
     * The configuration in {@code bytes}, validated; {@code disallowedIssuers} are the ServiceAccount issuers, which
     * no JWT authenticator may claim.
     *
     * @throws IllegalArgumentException what is wrong: a decoding error, or {@code invalid authentication
     *                                  configuration: } and kube's field errors ({@code [e1, e2]} for several)
     */
    public static Config parse(byte[] bytes, List<String> disallowedIssuers) {
        JsonNode root = READER.read(bytes);
        if (root == null) {
            throw new IllegalArgumentException("empty config data");
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!API_VERSIONS.contains(apiVersion) || !kind.equals("AuthenticationConfiguration")) {
            throw new IllegalArgumentException("expected kind AuthenticationConfiguration of "
                    + "apiserver.config.k8s.io/v1beta1 (or v1alpha1), got \"" + kind + "\" of \"" + apiVersion + "\"");
        }
        READER.checkFields(root);
        List<JwtAuthenticatorConfig> jwt = new ArrayList<>();
        for (JsonNode j : READER.list(root, "jwt", "jwt")) {
            jwt.add(authenticator(READER.object(j, "jwt")));
        }
        List<String> conditions = new ArrayList<>();
        AnonymousAccess anonymous = null;
        boolean enabled = false;
        if (root.hasNonNull("anonymous")) {
            JsonNode a = READER.object(root.get("anonymous"), "anonymous");
            enabled = READER.bool(a, "enabled", "anonymous.enabled");
            for (JsonNode c : READER.list(a, "conditions", "anonymous.conditions")) {
                conditions.add(READER.string(READER.object(c, "anonymous.conditions"), "path",
                        "anonymous.conditions.path"));
            }
            anonymous = AnonymousAccess.of(enabled, conditions);
        }
        List<FieldError> errors = AuthenticationConfigValidation.validate(jwt, disallowedIssuers);
        boolean tooMany = jwt.size() > AuthenticationConfigValidation.MAX_AUTHENTICATORS; // kube's only error then
        if (anonymous != null && !enabled && !conditions.isEmpty() && !tooMany) {
            errors.add(FieldError.invalid("anonymous.conditions", goConditions(conditions),
                    "enabled should be set to true when conditions are defined"));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid authentication configuration: "
                    + GoAggregate.of(errors.stream().map(FieldError::toString).toList()));
        }
        return new Config(List.copyOf(jwt), anonymous);
    }

    private static JwtAuthenticatorConfig authenticator(JsonNode j) {
        JsonNode i = j.hasNonNull("issuer") ? READER.object(j.get("issuer"), "jwt.issuer") : EMPTY;
        List<String> audiences = new ArrayList<>();
        for (JsonNode a : READER.list(i, "audiences", "jwt.issuer.audiences")) {
            if (!a.isString()) {
                throw new IllegalArgumentException("jwt.issuer.audiences: expected a string, got " + a);
            }
            audiences.add(a.asString());
        }
        Issuer issuer = new Issuer(READER.string(i, "url", "jwt.issuer.url"),
                READER.string(i, "discoveryURL", "jwt.issuer.discoveryURL"),
                READER.string(i, "certificateAuthority", "jwt.issuer.certificateAuthority"), audiences,
                READER.string(i, "audienceMatchPolicy", "jwt.issuer.audienceMatchPolicy"));
        List<ClaimValidationRule> claimRules = new ArrayList<>();
        for (JsonNode r : READER.list(j, "claimValidationRules", "jwt.claimValidationRules")) {
            String at = "jwt.claimValidationRules.";
            READER.object(r, "jwt.claimValidationRules");
            claimRules.add(new ClaimValidationRule(READER.string(r, "claim", at + "claim"),
                    READER.string(r, "requiredValue", at + "requiredValue"),
                    READER.string(r, "expression", at + "expression"), READER.string(r, "message", at + "message")));
        }
        JsonNode m = j.hasNonNull("claimMappings") ? READER.object(j.get("claimMappings"), "jwt.claimMappings")
                : EMPTY;
        List<ExtraMapping> extra = new ArrayList<>();
        for (JsonNode e : READER.list(m, "extra", "jwt.claimMappings.extra")) {
            READER.object(e, "jwt.claimMappings.extra");
            extra.add(new ExtraMapping(READER.string(e, "key", "jwt.claimMappings.extra.key"),
                    READER.string(e, "valueExpression", "jwt.claimMappings.extra.valueExpression")));
        }
        JsonNode uid = sub(m, "uid");
        ClaimMappings mappings = new ClaimMappings(prefixed(m, "username"), prefixed(m, "groups"),
                new ClaimOrExpression(READER.string(uid, "claim", "jwt.claimMappings.uid.claim"),
                        READER.string(uid, "expression", "jwt.claimMappings.uid.expression")), extra);
        List<UserValidationRule> userRules = new ArrayList<>();
        for (JsonNode r : READER.list(j, "userValidationRules", "jwt.userValidationRules")) {
            READER.object(r, "jwt.userValidationRules");
            userRules.add(new UserValidationRule(READER.string(r, "expression", "jwt.userValidationRules.expression"),
                    READER.string(r, "message", "jwt.userValidationRules.message")));
        }
        return new JwtAuthenticatorConfig(issuer, claimRules, mappings, userRules);
    }

    private static PrefixedClaimOrExpression prefixed(JsonNode mappings, String field) {
        JsonNode p = sub(mappings, field);
        String at = "jwt.claimMappings." + field + ".";
        return new PrefixedClaimOrExpression(READER.string(p, "claim", at + "claim"),
                READER.optionalString(p, "prefix", at + "prefix"), READER.string(p, "expression", at + "expression"));
    }

    private static JsonNode sub(JsonNode node, String field) {
        return node.hasNonNull(field) ? READER.object(node.get(field), "jwt.claimMappings." + field)
                : EMPTY;
    }

    /** Go's {@code %#v} of the conditions, as kube's field error prints them. */
    private static Object goConditions(List<String> paths) {
        String text = "[]apiserver.AnonymousAuthCondition{" + String.join(", ", paths.stream()
                .map(p -> "apiserver.AnonymousAuthCondition{Path:" + dev.kapi.apiserver.api.GoQuote.quote(p) + "}")
                .toList()) + "}";
        return new Object() {
            @Override
            public String toString() {
                return text;
            }
        };
    }
}

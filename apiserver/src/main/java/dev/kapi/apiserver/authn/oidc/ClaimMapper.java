package dev.kapi.apiserver.authn.oidc;

import dev.cel.common.values.NullValue;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimValidationRule;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ExtraMapping;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.UserValidationRule;
import dev.kapi.apiserver.cel.JsonValues;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a verified token's claims become a user, in kube's order and with its messages: username, groups, uid,
 * extra ({@code authentication.kubernetes.io/credential-id} from {@code jti} first), then the claim rules, the
 * expression rules (all evaluated before any is checked) and the user rules. A claim-mapped username may be empty
 * and takes its prefix; an expression's may not and takes none. A missing groups claim is no groups, a missing uid
 * claim an error. Every failure is a {@link BadCredentialsException}.
 */
final class ClaimMapper {

    static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

    private final JwtAuthenticatorConfig config;
    private final ClaimsCel.Compiled username;
    private final ClaimsCel.Compiled groups;
    private final ClaimsCel.Compiled uid;
    private final List<ClaimsCel.Compiled> extra = new ArrayList<>();
    private final List<ClaimsCel.Compiled> claimRules = new ArrayList<>();
    private final List<ClaimsCel.Compiled> userRules = new ArrayList<>();
    private final boolean hasClaimExpressions;

    ClaimMapper(JwtAuthenticatorConfig config) {
        this.config = config;
        JwtAuthenticatorConfig.ClaimMappings m = config.claimMappings();
        username = compiled(m.username().expression());
        groups = compiled(m.groups().expression());
        uid = compiled(m.uid().expression());
        m.extra().forEach(e -> extra.add(ClaimsCel.compile(e.valueExpression(), false, false)));
        config.claimValidationRules().stream().filter(r -> !r.expression().isEmpty())
                .forEach(r -> claimRules.add(ClaimsCel.compile(r.expression(), false, true)));
        config.userValidationRules().forEach(r -> userRules.add(ClaimsCel.compile(r.expression(), true, true)));
        hasClaimExpressions = username != null || groups != null || uid != null || !extra.isEmpty()
                || !claimRules.isEmpty();
    }

    private static ClaimsCel.Compiled compiled(String expression) {
        return expression.isEmpty() ? null : ClaimsCel.compile(expression, false, false);
    }

    /** The user the token's payload (its JSON) names, once every rule holds. */
    UserInfo user(String payload) {
        JsonNode claims = Json.MAPPER.readTree(payload);
        // the claims as CEL values only when an expression reads them, as kube
        Map<String, Object> vars = hasClaimExpressions ? Map.of(ClaimsCel.CLAIMS, JsonValues.dyn(claims)) : Map.of();
        String name = username(claims, vars);
        List<String> groupNames = groups(claims, vars);
        String id = uid(claims, vars);
        Map<String, List<String>> extras = extra(claims, vars);
        checkClaimRules(claims, vars);
        UserInfo user = new UserInfo(name, id, groupNames, extras);
        checkUserRules(user);
        return user;
    }

    private String username(JsonNode claims, Map<String, Object> vars) {
        JwtAuthenticatorConfig.PrefixedClaimOrExpression m = config.claimMappings().username();
        if (username != null) {
            Object value = evaluate(username, vars, "oidc: error evaluating username claim expression: ");
            if (!(value instanceof String s)) {
                throw new BadCredentialsException("oidc: error evaluating username claim expression: username "
                        + "claim expression must return a string");
            }
            if (s.isEmpty()) {
                throw new BadCredentialsException("oidc: empty username via CEL expression is not allowed");
            }
            return s;
        }
        String claim = m.claim();
        JsonNode value = claims.get(claim);
        if (value == null) {
            throw new BadCredentialsException("oidc: parse username claims \"" + claim + "\": claim not present");
        }
        String name = string(value, "oidc: parse username claims \"" + claim + "\": ");
        if (claim.equals("email") && claims.has("email_verified")) {
            JsonNode verified = claims.get("email_verified");
            if (!verified.isBoolean()) {
                throw new BadCredentialsException("oidc: parse 'email_verified' claim: json: cannot unmarshal "
                        + goType(verified) + " into Go value of type bool");
            }
            if (!verified.booleanValue()) {
                throw new BadCredentialsException("oidc: email not verified");
            }
        }
        return (m.prefix() == null ? "" : m.prefix()) + name;
    }

    private List<String> groups(JsonNode claims, Map<String, Object> vars) {
        JwtAuthenticatorConfig.PrefixedClaimOrExpression m = config.claimMappings().groups();
        if (groups != null) {
            Object value = evaluate(groups, vars, "oidc: error evaluating group claim expression: ");
            List<String> out = strings(value);
            if (out == null) {
                throw new BadCredentialsException("oidc: error evaluating group claim expression: expression must "
                        + "return a string or a list of strings");
            }
            return out;
        }
        JsonNode value = m.claim().isEmpty() ? null : claims.get(m.claim());
        if (value == null || value.isNull()) {
            return List.of();
        }
        String failure = "oidc: parse groups claim \"" + m.claim() + "\": ";
        List<String> names = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode g : value) {
                if (!g.isString()) {
                    throw new BadCredentialsException(failure + "json: cannot unmarshal array into Go value of type "
                            + "string");
                }
                names.add(g.asString());
            }
        } else {
            names.add(string(value, failure));
        }
        String prefix = m.prefix() == null ? "" : m.prefix();
        return names.stream().map(g -> prefix + g).toList();
    }

    private String uid(JsonNode claims, Map<String, Object> vars) {
        JwtAuthenticatorConfig.ClaimOrExpression m = config.claimMappings().uid();
        if (uid != null) {
            Object value = evaluate(uid, vars, "oidc: error evaluating uid claim expression: ");
            if (!(value instanceof String s)) {
                throw new BadCredentialsException("oidc: error evaluating uid claim expression: uid claim "
                        + "expression must return a string");
            }
            return s;
        }
        if (m.claim().isEmpty()) {
            return "";
        }
        JsonNode value = claims.get(m.claim());
        if (value == null) {
            throw new BadCredentialsException("oidc: parse uid claim \"" + m.claim() + "\": claim not present");
        }
        return string(value, "oidc: parse uid claim \"" + m.claim() + "\": ");
    }

    private Map<String, List<String>> extra(JsonNode claims, Map<String, Object> vars) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonNode jti = claims.get("jti");
        if (jti != null && jti.isString() && !jti.asString().isEmpty()) {
            out.put(CREDENTIAL_ID, List.of("JTI=" + jti.asString()));
        }
        List<ExtraMapping> mappings = config.claimMappings().extra();
        for (int i = 0; i < mappings.size(); i++) {
            Object value = evaluate(extra.get(i), vars, "");
            List<String> values = strings(value);
            if (values == null) {
                throw new BadCredentialsException("oidc: error evaluating extra claim expression: "
                        + mappings.get(i).valueExpression() + ": expression must return a string or a list of strings");
            }
            if (!values.isEmpty()) {
                out.put(mappings.get(i).key(), values);
            }
        }
        return out;
    }

    private void checkClaimRules(JsonNode claims, Map<String, Object> vars) {
        for (ClaimValidationRule r : config.claimValidationRules()) {
            if (r.claim().isEmpty()) {
                continue;
            }
            JsonNode value = claims.get(r.claim());
            if (value == null) {
                throw new BadCredentialsException("oidc: required claim " + r.claim() + " not present in ID token");
            }
            String got = string(value, "oidc: parse claim " + r.claim() + ": ");
            if (!got.equals(r.requiredValue())) {
                throw new BadCredentialsException("oidc: required claim " + r.claim() + " value does not match. Got = "
                        + got + ", want = " + r.requiredValue());
            }
        }
        List<ClaimValidationRule> withExpressions = config.claimValidationRules().stream()
                .filter(r -> !r.expression().isEmpty()).toList();
        check(claimRules, withExpressions.stream().map(ClaimValidationRule::message).toList(), vars,
                "oidc: error evaluating claim validation expression: ");
    }

    private void checkUserRules(UserInfo user) {
        if (userRules.isEmpty()) {
            return;
        }
        Map<String, Object> u = Map.of("username", user.name(), "uid", user.uid(), "groups", user.groups(),
                "extra", user.extra());
        check(userRules, config.userValidationRules().stream().map(UserValidationRule::message).toList(),
                Map.of(ClaimsCel.USER, u), "oidc: error evaluating user info validation rule: ");
    }

    /** kube's order: every rule evaluated first (an error wins), then each checked in turn. */
    private static void check(List<ClaimsCel.Compiled> rules, List<String> messages, Map<String, Object> vars,
                              String prefix) {
        List<Object> results = new ArrayList<>();
        for (ClaimsCel.Compiled rule : rules) {
            results.add(evaluate(rule, vars, prefix));
        }
        for (int i = 0; i < rules.size(); i++) {
            if (!(results.get(i) instanceof Boolean b)) {
                throw new BadCredentialsException(prefix + "validation expression must return a boolean");
            }
            if (!b) {
                throw new BadCredentialsException(prefix + "validation expression '" + rules.get(i).expression()
                        + "' failed: " + messages.get(i));
            }
        }
    }

    private static Object evaluate(ClaimsCel.Compiled compiled, Map<String, Object> vars, String prefix) {
        try {
            return ClaimsCel.evaluate(compiled, vars);
        } catch (ClaimsCel.EvaluationError e) {
            throw new BadCredentialsException(prefix + e.getMessage());
        }
    }

    /** A string claim as Go's json reads it into a string: null is "", any other type an error. */
    private static String string(JsonNode value, String failure) {
        if (value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            throw new BadCredentialsException(failure + "json: cannot unmarshal " + goType(value)
                    + " into Go value of type string");
        }
        return value.asString();
    }

    /** An expression's groups or extra values: a string (none when empty) or a list of strings ("" left out). */
    private static List<String> strings(Object value) {
        if (value == null || value instanceof NullValue) {
            return List.of();
        }
        if (value instanceof String s) {
            return s.isEmpty() ? List.of() : List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    return null;
                }
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        return null;
    }

    /** The JSON type's name in Go's unmarshal errors. */
    private static String goType(JsonNode v) {
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isObject()) {
            return "object";
        }
        return "string";
    }
}

package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelValidation;
import dev.kapi.apiserver.authn.oidc.ClaimsCel;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimMappings;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ClaimValidationRule;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.ExtraMapping;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.Issuer;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.PrefixedClaimOrExpression;
import dev.kapi.apiserver.authn.oidc.JwtAuthenticatorConfig.UserValidationRule;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.kapi.apiserver.server.ConfigFileReader.q;

/**
 * kube 1.32's {@code ValidateAuthenticationConfiguration} for JWT authenticators, in its order and with its messages
 * (its feature gates on, as by default): the issuer's URL, discovery URL, audiences and CA; claim rules; claim
 * mappings (a claim needs a prefix, an expression must not have one; extra keys domain-prefixed, lowercase, not
 * kube's); user rules; every expression compiled ({@link ClaimsCel}); issuer and discovery URLs unique.
 */
final class AuthenticationConfigValidation {

    static final int MAX_AUTHENTICATORS = 64;
    private static final Pattern EXTRA_PATH = Pattern.compile("[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+");

    private AuthenticationConfigValidation() {
    }

    static List<FieldError> validate(List<JwtAuthenticatorConfig> jwt, List<String> disallowedIssuers) {
        List<FieldError> errors = new ArrayList<>();
        if (jwt.size() > MAX_AUTHENTICATORS) {
            errors.add(new FieldError(FieldError.Type.TOO_MANY, "jwt", jwt.size(),
                    "must have at most " + MAX_AUTHENTICATORS + " items"));
            return errors;
        }
        Set<String> issuers = new HashSet<>();
        Set<String> discoveryUrls = new HashSet<>();
        for (int i = 0; i < jwt.size(); i++) {
            JwtAuthenticatorConfig a = jwt.get(i);
            String at = "jwt[" + i + "]";
            validateIssuer(a.issuer(), at + ".issuer", disallowedIssuers, errors);
            validateClaimRules(a.claimValidationRules(), at + ".claimValidationRules", errors);
            validateMappings(a, at + ".claimMappings", errors);
            validateUserRules(a.userValidationRules(), at + ".userValidationRules", errors);
            String url = a.issuer().url();
            if (!url.isEmpty() && !issuers.add(url)) {
                errors.add(FieldError.duplicate(at + ".issuer.url", q(url)));
            }
            String discovery = a.issuer().discoveryUrl();
            if (!discovery.isEmpty() && !discoveryUrls.add(discovery)) {
                errors.add(FieldError.duplicate(at + ".issuer.discoveryURL", q(discovery)));
            }
        }
        return errors;
    }

    private static void validateIssuer(Issuer issuer, String at, List<String> disallowed, List<FieldError> errors) {
        String url = issuer.url();
        if (url.isEmpty()) {
            errors.add(FieldError.required(at + ".url", "URL is required"));
        } else {
            if (disallowed.contains(url)) {
                errors.add(FieldError.invalid(at + ".url", q(url), "URL must not overlap with disallowed issuers: "
                        + disallowed.stream().sorted().toList().toString().replace(", ", " ")));
            }
            validateUrl(url, at + ".url", errors);
        }
        String discovery = issuer.discoveryUrl();
        if (!discovery.isEmpty()) {
            if (!url.isEmpty() && url.replaceAll("/+$", "").equals(discovery.replaceAll("/+$", ""))) {
                errors.add(FieldError.invalid(at + ".discoveryURL", q(discovery),
                        "discoveryURL must be different from URL"));
            }
            validateUrl(discovery, at + ".discoveryURL", errors);
        }
        List<String> audiences = issuer.audiences();
        if (audiences.isEmpty()) {
            errors.add(FieldError.required(at + ".audiences", "at least one " + at + ".audiences is required"));
        } else {
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < audiences.size(); k++) {
                String aud = audiences.get(k);
                if (aud.isEmpty()) {
                    errors.add(FieldError.required(at + ".audiences[" + k + "]", "audience can't be empty"));
                }
                if (!seen.add(aud)) {
                    errors.add(FieldError.duplicate(at + ".audiences[" + k + "]", q(aud)));
                }
            }
            String policy = issuer.audienceMatchPolicy();
            if (audiences.size() > 1 && !policy.equals("MatchAny")) {
                errors.add(FieldError.invalid(at + ".audienceMatchPolicy", q(policy),
                        "audienceMatchPolicy must be MatchAny for multiple audiences"));
            } else if (audiences.size() == 1 && !policy.isEmpty() && !policy.equals("MatchAny")) {
                errors.add(FieldError.invalid(at + ".audienceMatchPolicy", q(policy),
                        "audienceMatchPolicy must be empty or MatchAny for single audience"));
            }
        }
        String ca = issuer.certificateAuthority();
        if (!ca.isEmpty() && !holdsCertificates(ca)) {
            errors.add(FieldError.invalid(at + ".certificateAuthority", q("<omitted>"),
                    "data does not contain any valid RSA or ECDSA certificates"));
        }
    }

    /** Go's url.Parse and kube's checks: https, no user, query or fragment. */
    private static void validateUrl(String value, String at, List<FieldError> errors) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            errors.add(FieldError.invalid(at, q(value), "parse " + q(value) + ": " + e.getReason()));
            return;
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            errors.add(FieldError.invalid(at, q(value), "URL scheme must be https"));
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            errors.add(FieldError.invalid(at, q(value), "URL must not contain a username or password"));
        }
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            errors.add(FieldError.invalid(at, q(value), "URL must not contain a query"));
        }
        if (uri.getRawFragment() != null && !uri.getRawFragment().isEmpty()) {
            errors.add(FieldError.invalid(at, q(value), "URL must not contain a fragment"));
        }
    }

    private static boolean holdsCertificates(String pem) {
        try {
            return !CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        } catch (CertificateException e) {
            return false;
        }
    }

    private static void validateClaimRules(List<ClaimValidationRule> rules, String at, List<FieldError> errors) {
        Set<String> claims = new HashSet<>();
        Set<String> expressions = new HashSet<>();
        for (int k = 0; k < rules.size(); k++) {
            ClaimValidationRule r = rules.get(k);
            String rule = at + "[" + k + "]";
            if (!r.claim().isEmpty() && !r.expression().isEmpty()) {
                errors.add(FieldError.invalid(rule, q(r.claim()), "claim and expression can't both be set"));
            } else if (r.claim().isEmpty() && r.expression().isEmpty()) {
                errors.add(FieldError.required(rule, "claim or expression is required"));
            } else if (!r.claim().isEmpty()) {
                if (!r.message().isEmpty()) {
                    errors.add(FieldError.invalid(rule + ".message", q(r.message()),
                            "message can't be set when claim is set"));
                }
                if (!claims.add(r.claim())) {
                    errors.add(FieldError.duplicate(rule + ".claim", q(r.claim())));
                }
            } else {
                if (!r.requiredValue().isEmpty()) {
                    errors.add(FieldError.invalid(rule + ".requiredValue", q(r.requiredValue()),
                            "requiredValue can't be set when expression is set"));
                }
                if (!expressions.add(r.expression())) {
                    errors.add(FieldError.duplicate(rule + ".expression", q(r.expression())));
                } else {
                    compile(r.expression(), false, true, rule + ".expression", errors);
                }
            }
        }
    }

    private static void validateMappings(JwtAuthenticatorConfig a, String at, List<FieldError> errors) {
        ClaimMappings m = a.claimMappings();
        ClaimsCel.Compiled username = prefixed(m.username(), at + ".username", true, errors);
        prefixed(m.groups(), at + ".groups", false, errors);
        if (!m.uid().claim().isEmpty() && !m.uid().expression().isEmpty()) {
            errors.add(FieldError.invalid(at + ".uid", q(""), "claim and expression can't both be set"));
        } else if (!m.uid().expression().isEmpty()) {
            compile(m.uid().expression(), false, false, at + ".uid.expression", errors);
        }
        List<ClaimsCel.Compiled> extra = validateExtra(m.extra(), at + ".extra", errors);
        if (username != null && username.selectsClaim("email")) {
            List<ClaimsCel.Compiled> others = new ArrayList<>(extra);
            others.add(username);
            for (ClaimValidationRule r : a.claimValidationRules()) {
                if (!r.expression().isEmpty()) {
                    try {
                        others.add(ClaimsCel.compile(r.expression(), false, true));
                    } catch (IllegalArgumentException e) {
                        // reported with the rule
                    }
                }
            }
            if (others.stream().noneMatch(c -> c.selectsClaim("email_verified"))) {
                errors.add(FieldError.invalid(at + ".username.expression", q(m.username().expression()),
                        "claims.email_verified must be used in claimMappings.username.expression or "
                                + "claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when "
                                + "claims.email is used in claimMappings.username.expression"));
            }
        }
    }

    /** A username or groups mapping; the username's compiled expression, if it has one that compiles. */
    private static ClaimsCel.Compiled prefixed(PrefixedClaimOrExpression p, String at, boolean required,
                                               List<FieldError> errors) {
        if (!p.expression().isEmpty() && !p.claim().isEmpty()) {
            errors.add(FieldError.invalid(at, q(""), "claim and expression can't both be set"));
        } else if (p.expression().isEmpty() && p.claim().isEmpty()) {
            if (required) {
                errors.add(FieldError.required(at, "claim or expression is required"));
            }
        } else if (!p.expression().isEmpty()) {
            if (p.prefix() != null) {
                errors.add(FieldError.invalid(at + ".prefix", q(p.prefix()),
                        "prefix can't be set when expression is set"));
            }
            return compile(p.expression(), false, false, at + ".expression", errors);
        } else if (p.prefix() == null) {
            errors.add(FieldError.required(at + ".prefix", "prefix is required when claim is set. It can be set to "
                    + "an empty string to disable prefixing"));
        }
        return null;
    }

    private static List<ClaimsCel.Compiled> validateExtra(List<ExtraMapping> extra, String at,
                                                          List<FieldError> errors) {
        List<ClaimsCel.Compiled> compiled = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int j = 0; j < extra.size(); j++) {
            ExtraMapping e = extra.get(j);
            String mapping = at + "[" + j + "]";
            String key = e.key();
            validateDomainPrefixedPath(key, mapping + ".key", errors);
            if (!key.equals(key.toLowerCase(Locale.ROOT))) {
                errors.add(FieldError.invalid(mapping + ".key", q(key), "key must be lowercase"));
            }
            String domain = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
            if (domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io") || domain.equals("k8s.io")
                    || domain.endsWith(".k8s.io")) {
                errors.add(FieldError.invalid(mapping + ".key", q(key),
                        "k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use"));
            }
            if (!keys.add(key)) {
                errors.add(FieldError.duplicate(mapping + ".key", q(key)));
                continue;
            }
            if (e.valueExpression().isEmpty()) {
                errors.add(FieldError.required(mapping + ".valueExpression", "valueExpression is required"));
                continue;
            }
            ClaimsCel.Compiled c = compile(e.valueExpression(), false, false, mapping + ".valueExpression", errors);
            if (c != null) {
                compiled.add(c);
            }
        }
        return compiled;
    }

    /** apimachinery's {@code IsDomainPrefixedPath}. */
    private static void validateDomainPrefixedPath(String key, String at, List<FieldError> errors) {
        if (key.isEmpty()) {
            errors.add(FieldError.required(at, ""));
            return;
        }
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            errors.add(FieldError.invalid(at, q(key), "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }
        String host = key.substring(0, slash);
        String path = key.substring(slash + 1);
        for (String msg : LabelValidation.dns1123Subdomain(host)) {
            errors.add(FieldError.invalid(at, q(host), msg));
        }
        if (!EXTRA_PATH.matcher(path).matches()) {
            errors.add(FieldError.invalid(at, q(path), "Invalid path (regex used for validation is '"
                    + EXTRA_PATH.pattern() + "')"));
        }
    }

    private static void validateUserRules(List<UserValidationRule> rules, String at, List<FieldError> errors) {
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < rules.size(); k++) {
            String field = at + "[" + k + "].expression";
            String expression = rules.get(k).expression();
            if (expression.isEmpty()) {
                errors.add(FieldError.required(field, "expression is required"));
            } else if (!seen.add(expression)) {
                errors.add(FieldError.duplicate(field, q(expression)));
            } else {
                compile(expression, true, true, field, errors);
            }
        }
    }

    private static ClaimsCel.Compiled compile(String expression, boolean overUser, boolean bool, String at,
                                              List<FieldError> errors) {
        try {
            return ClaimsCel.compile(expression, overUser, bool);
        } catch (IllegalArgumentException e) {
            errors.add(FieldError.invalid(at, q(expression), e.getMessage()));
            return null;
        }
    }
}

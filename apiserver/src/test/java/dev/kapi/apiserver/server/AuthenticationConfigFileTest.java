package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.AnonymousAccess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --authentication-config} read and validated as kube 1.32 reads it, with its messages. */
class AuthenticationConfigFileTest {

    private static final String HEAD = "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\n";
    private static final List<String> SA_ISSUERS = List.of("https://kubernetes.default.svc.cluster.local");

    private static AuthenticationConfigFile.Config parse(String yaml) {
        return AuthenticationConfigFile.parse(yaml.getBytes(StandardCharsets.UTF_8), SA_ISSUERS);
    }

    private static String invalid(String yaml) {
        try {
            parse(yaml);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    private static String jwt(String issuer, String rest) {
        return HEAD + "jwt:\n- issuer:\n" + issuer.indent(4) + rest.indent(2);
    }

    @Test
    void aFullConfigurationIsRead() {
        AuthenticationConfigFile.Config c = parse(HEAD + """
                jwt:
                - issuer:
                    url: https://issuer.example.com
                    discoveryURL: https://discovery.example.com/.well-known/openid-configuration
                    audiences: [a, b]
                    audienceMatchPolicy: MatchAny
                  claimValidationRules:
                  - {claim: hd, requiredValue: example.com}
                  - {expression: 'claims.email_verified == true', message: unverified}
                  claimMappings:
                    username: {expression: 'claims.email'}
                    groups: {claim: groups, prefix: ""}
                    uid: {claim: sub}
                    extra:
                    - {key: example.com/tenant, valueExpression: claims.tenant}
                  userValidationRules:
                  - {expression: "!user.username.startsWith('system:')", message: reserved}
                anonymous:
                  enabled: true
                  conditions: [{path: /livez}, {path: /readyz}]
                """);
        assertThat(c.jwt()).singleElement().satisfies(j -> {
            assertThat(j.issuer().audiences()).containsExactly("a", "b");
            assertThat(j.claimMappings().groups().prefix()).isEmpty();
            assertThat(j.claimMappings().username().prefix()).isNull();
        });
        assertThat(c.anonymous()).isEqualTo(new AnonymousAccess(true, Set.of("/livez", "/readyz")));
        assertThat(parse(HEAD).jwt()).isEmpty();
        assertThat(parse(HEAD).anonymous()).isNull();
    }

    @Test
    void decodingIsStrict() {
        assertThat(invalid("")).isEqualTo("empty config data");
        assertThat(invalid("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n"))
                .isEqualTo("expected kind AuthenticationConfiguration of apiserver.config.k8s.io/v1beta1 (or v1alpha1), "
                        + "got \"AuthenticationConfiguration\" of \"apiserver.config.k8s.io/v1\"");
        assertThat(invalid(jwt("url: https://x\naudiences: [a]\nfoo: 1", "claimMappings: {username: {claim: sub, prefix: ''}}")))
                .isEqualTo("strict decoding error: unknown field \"jwt[0].issuer.foo\"");
        assertThat(invalid(HEAD + "jwt: {}\n")).isEqualTo("jwt: expected an array, got {}");
    }

    @Test
    void issuersAreValidatedAsKubeDoes() {
        String ok = "claimMappings: {username: {claim: sub, prefix: ''}}";
        assertThat(invalid(jwt("audiences: [a]", ok)))
                .isEqualTo("invalid authentication configuration: jwt[0].issuer.url: Required value: URL is required");
        assertThat(invalid(jwt("url: http://x?a=b#f\naudiences: [a]", ok))).isEqualTo("invalid authentication "
                + "configuration: [jwt[0].issuer.url: Invalid value: \"http://x?a=b#f\": URL scheme must be https, "
                + "jwt[0].issuer.url: Invalid value: \"http://x?a=b#f\": URL must not contain a query, "
                + "jwt[0].issuer.url: Invalid value: \"http://x?a=b#f\": URL must not contain a fragment]");
        assertThat(invalid(jwt("url: https://u:p@x\naudiences: [a]", ok))).endsWith(
                "jwt[0].issuer.url: Invalid value: \"https://u:p@x\": URL must not contain a username or password");
        assertThat(invalid(jwt("url: https://kubernetes.default.svc.cluster.local\naudiences: [a]", ok))).endsWith(
                "jwt[0].issuer.url: Invalid value: \"https://kubernetes.default.svc.cluster.local\": URL must not "
                        + "overlap with disallowed issuers: [https://kubernetes.default.svc.cluster.local]");
        assertThat(invalid(jwt("url: https://x\ndiscoveryURL: https://x/\naudiences: [a]", ok))).endsWith(
                "jwt[0].issuer.discoveryURL: Invalid value: \"https://x/\": discoveryURL must be different from URL");
        assertThat(invalid(jwt("url: https://x\naudiences: []", ok))).endsWith(
                "jwt[0].issuer.audiences: Required value: at least one jwt[0].issuer.audiences is required");
        assertThat(invalid(jwt("url: https://x\naudiences: [a, a, '']", ok))).isEqualTo("invalid authentication "
                + "configuration: [jwt[0].issuer.audiences[1]: Duplicate value: \"a\", jwt[0].issuer.audiences[2]: "
                + "Required value: audience can't be empty, jwt[0].issuer.audienceMatchPolicy: Invalid value: \"\": "
                + "audienceMatchPolicy must be MatchAny for multiple audiences]");
        assertThat(invalid(jwt("url: https://x\naudiences: [a]\naudienceMatchPolicy: MatchAll", ok))).endsWith(
                "jwt[0].issuer.audienceMatchPolicy: Invalid value: \"MatchAll\": audienceMatchPolicy must be empty or "
                        + "MatchAny for single audience");
        assertThat(invalid(jwt("url: https://x\naudiences: [a]\ncertificateAuthority: nope", ok))).endsWith(
                "jwt[0].issuer.certificateAuthority: Invalid value: \"<omitted>\": data does not contain any valid RSA "
                        + "or ECDSA certificates");
        String twice = HEAD + "jwt:\n" + ("- issuer: {url: https://x, discoveryURL: https://d, audiences: [a]}\n"
                + "  " + ok + "\n").repeat(2);
        assertThat(invalid(twice)).isEqualTo("invalid authentication configuration: [jwt[1].issuer.url: Duplicate "
                + "value: \"https://x\", jwt[1].issuer.discoveryURL: Duplicate value: \"https://d\"]");
        assertThat(invalid(HEAD + "jwt:\n" + ("- issuer: {url: https://x, audiences: [a]}\n  " + ok + "\n")
                .repeat(65))).isEqualTo("invalid authentication configuration: jwt: Too many: 65: must have at most 64 "
                + "items");
    }

    @Test
    void rulesAndMappingsAreValidatedAsKubeDoes() {
        String issuer = "url: https://x\naudiences: [a]";
        assertThat(invalid(jwt(issuer, "claimMappings: {}")))
                .endsWith("jwt[0].claimMappings.username: Required value: claim or expression is required");
        assertThat(invalid(jwt(issuer, "claimMappings: {username: {claim: sub}}"))).endsWith(
                "jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be "
                        + "set to an empty string to disable prefixing");
        assertThat(invalid(jwt(issuer, "claimMappings: {username: {claim: sub, expression: claims.sub}}")))
                .endsWith("jwt[0].claimMappings.username: Invalid value: \"\": claim and expression can't both be set");
        assertThat(invalid(jwt(issuer, "claimMappings: {username: {expression: claims.sub, prefix: ''}}")))
                .endsWith("jwt[0].claimMappings.username.prefix: Invalid value: \"\": prefix can't be set when "
                        + "expression is set");
        assertThat(invalid(jwt(issuer, "claimMappings: {username: {expression: claims.email}}"))).endsWith(
                "jwt[0].claimMappings.username.expression: Invalid value: \"claims.email\": claims.email_verified must "
                        + "be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or "
                        + "claimValidationRules[*].expression when claims.email is used in "
                        + "claimMappings.username.expression");
        assertThat(parse(jwt(issuer, """
                claimValidationRules: [{expression: 'claims.?email_verified.orValue(false) == true'}]
                claimMappings: {username: {expression: claims.email}}""")).jwt()).hasSize(1);
        assertThat(invalid(jwt(issuer, "claimMappings: {username: {expression: 'foo.bar'}}"))).startsWith(
                "invalid authentication configuration: jwt[0].claimMappings.username.expression: Invalid value: "
                        + "\"foo.bar\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo'");
        String mapped = "claimMappings: {username: {claim: sub, prefix: ''}";
        assertThat(invalid(jwt(issuer, mapped + ", uid: {claim: a, expression: claims.a}}")))
                .endsWith("jwt[0].claimMappings.uid: Invalid value: \"\": claim and expression can't both be set");
        assertThat(invalid(jwt(issuer, mapped + """
                , extra: [{key: Example.com/A, valueExpression: claims.a}, {key: k8s.io/x, valueExpression: claims.a},
                  {key: nodomain, valueExpression: claims.a}, {key: example.com/b},
                  {key: example.com/c, valueExpression: claims.a}, {key: example.com/c, valueExpression: claims.a}]}
                """))).isEqualTo("invalid authentication configuration: ["
                + "jwt[0].claimMappings.extra[0].key: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain "
                + "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
                + "jwt[0].claimMappings.extra[0].key: Invalid value: \"Example.com/A\": key must be lowercase, "
                + "jwt[0].claimMappings.extra[1].key: Invalid value: \"k8s.io/x\": k8s.io, kubernetes.io and their "
                + "subdomains are reserved for Kubernetes use, "
                + "jwt[0].claimMappings.extra[2].key: Invalid value: \"nodomain\": must be a domain-prefixed path "
                + "(such as \"acme.io/foo\"), "
                + "jwt[0].claimMappings.extra[3].valueExpression: Required value: valueExpression is required, "
                + "jwt[0].claimMappings.extra[5].key: Duplicate value: \"example.com/c\"]");
        assertThat(invalid(jwt(issuer, mapped + "}\nclaimValidationRules: [{claim: a, expression: 'true'}, {}, "
                + "{claim: b, message: m}, {claim: b}, {expression: claims.a, requiredValue: x}, {expression: 'true'}, "
                + "{expression: 'true'}]"))).isEqualTo("invalid authentication configuration: ["
                + "jwt[0].claimValidationRules[0]: Invalid value: \"a\": claim and expression can't both be set, "
                + "jwt[0].claimValidationRules[1]: Required value: claim or expression is required, "
                + "jwt[0].claimValidationRules[2].message: Invalid value: \"m\": message can't be set when claim is set, "
                + "jwt[0].claimValidationRules[3].claim: Duplicate value: \"b\", "
                + "jwt[0].claimValidationRules[4].requiredValue: Invalid value: \"x\": requiredValue can't be set when "
                + "expression is set, "
                + "jwt[0].claimValidationRules[4].expression: Invalid value: \"claims.a\": must evaluate to bool, "
                + "jwt[0].claimValidationRules[6].expression: Duplicate value: \"true\"]");
        assertThat(invalid(jwt(issuer, mapped + "}\nuserValidationRules: [{message: m}, {expression: 'user.uid'}, "
                + "{expression: 'claims.a == 1'}]"))).startsWith("invalid authentication configuration: ["
                + "jwt[0].userValidationRules[0].expression: Required value: expression is required, "
                + "jwt[0].userValidationRules[1].expression: Invalid value: \"user.uid\": must evaluate to bool, "
                + "jwt[0].userValidationRules[2].expression: Invalid value: \"claims.a == 1\": compilation failed: "
                + "ERROR: <input>:1:1: undeclared reference to 'claims'");
    }

    @Test
    void anonymousConditionsNeedAnonymousEnabled() {
        assertThat(invalid(HEAD + "anonymous: {enabled: false, conditions: [{path: /livez}]}\n")).isEqualTo(
                "invalid authentication configuration: anonymous.conditions: Invalid value: "
                        + "[]apiserver.AnonymousAuthCondition{apiserver.AnonymousAuthCondition{Path:\"/livez\"}}: "
                        + "enabled should be set to true when conditions are defined");
        assertThat(parse(HEAD + "anonymous: {enabled: false}\n").anonymous()).isEqualTo(AnonymousAccess.NONE);
        assertThat(parse(HEAD + "anonymous: {enabled: true}\n").anonymous()).isEqualTo(AnonymousAccess.ALL);
    }
}

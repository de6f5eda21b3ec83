package dev.kapi.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rule matching as kube's policy checker does it, as a table: each case is one rule (YAML) in a policy whose
 * only other rule records nothing, a request (user, method, path), and whether the rule matched.
 */
class PolicyTest {

    private static final UserInfo ALICE = new UserInfo("alice", "u1", List.of("dev", "system:authenticated"), Map.of());
    private static final UserInfo BOB = new UserInfo("bob", "", List.of("ops", "system:authenticated"), Map.of());

    static Stream<Arguments> cases() {
        return Stream.of(
                // rule, user, method, path, matched
                Arguments.of("{}", ALICE, "GET", "/api/v1/pods", true),
                Arguments.of("{users: [alice]}", ALICE, "GET", "/api", true),
                Arguments.of("{users: [alice]}", BOB, "GET", "/api", false),
                Arguments.of("{users: [alice]}", null, "GET", "/api", false),
                Arguments.of("{userGroups: [ops, qa]}", BOB, "GET", "/api", true),
                Arguments.of("{userGroups: [ops, qa]}", ALICE, "GET", "/api", false),
                Arguments.of("{userGroups: [system:authenticated]}", null, "GET", "/api", false),
                Arguments.of("{verbs: [list]}", ALICE, "GET", "/api/v1/namespaces/a/pods", true),
                Arguments.of("{verbs: [list]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p", false),
                Arguments.of("{verbs: [watch]}", ALICE, "GET", "/api/v1/pods?watch=true", true),
                Arguments.of("{verbs: [deletecollection]}", ALICE, "DELETE", "/api/v1/namespaces/a/pods", true),
                Arguments.of("{verbs: [get]}", ALICE, "GET", "/healthz", true),
                Arguments.of("{resources: [{group: ''}]}", ALICE, "GET", "/api/v1/namespaces/a/pods", true),
                Arguments.of("{resources: [{group: ''}]}", ALICE, "GET", "/apis/apps/v1/deployments", false),
                Arguments.of("{resources: [{group: ''}]}", ALICE, "GET", "/api", false),
                Arguments.of("{resources: [{group: '', resources: [pods]}]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p", true),
                Arguments.of("{resources: [{group: '', resources: [pods]}]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p/log", false),
                Arguments.of("{resources: [{group: '', resources: [pods/log]}]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p/log", true),
                Arguments.of("{resources: [{group: '', resources: [pods/log]}]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p", false),
                Arguments.of("{resources: [{group: '', resources: ['pods/*']}]}", ALICE, "PUT", "/api/v1/namespaces/a/pods/p/status", true),
                // kube's checker: "pods/*" names the resource pods whatever the subresource, none included
                Arguments.of("{resources: [{group: '', resources: ['pods/*']}]}", ALICE, "GET", "/api/v1/namespaces/a/pods/p", true),
                Arguments.of("{resources: [{group: '', resources: ['pods/*']}]}", ALICE, "GET", "/api/v1/namespaces/a/services/p", false),
                Arguments.of("{resources: [{group: apps, resources: ['*/scale']}]}", ALICE, "GET", "/apis/apps/v1/namespaces/a/deployments/d/scale", true),
                Arguments.of("{resources: [{group: apps, resources: ['*/scale']}]}", ALICE, "GET", "/apis/apps/v1/namespaces/a/deployments/d", false),
                Arguments.of("{resources: [{group: apps, resources: ['*']}]}", ALICE, "GET", "/apis/apps/v1/namespaces/a/deployments/d/status", true),
                Arguments.of("{resources: [{group: '', resources: [configmaps], resourceNames: [x]}]}", ALICE, "GET", "/api/v1/namespaces/a/configmaps/x", true),
                Arguments.of("{resources: [{group: '', resources: [configmaps], resourceNames: [x]}]}", ALICE, "GET", "/api/v1/namespaces/a/configmaps/y", false),
                Arguments.of("{resources: [{group: '', resources: [configmaps], resourceNames: [x]}]}", ALICE, "GET", "/api/v1/namespaces/a/configmaps", false),
                Arguments.of("{namespaces: [a]}", ALICE, "GET", "/api/v1/namespaces/a/pods", true),
                Arguments.of("{namespaces: [a]}", ALICE, "GET", "/api/v1/namespaces/b/pods", false),
                Arguments.of("{namespaces: [a]}", ALICE, "GET", "/api/v1/namespaces/a", true),
                Arguments.of("{namespaces: ['']}", ALICE, "GET", "/api/v1/nodes", true),
                Arguments.of("{namespaces: ['']}", ALICE, "GET", "/api/v1/namespaces/a/pods", false),
                Arguments.of("{namespaces: [a]}", ALICE, "GET", "/healthz", false),
                Arguments.of("{nonResourceURLs: ['/healthz*']}", ALICE, "GET", "/healthz/etcd", true),
                Arguments.of("{nonResourceURLs: ['/healthz*']}", ALICE, "GET", "/healthzx", true),
                Arguments.of("{nonResourceURLs: ['/healthz']}", ALICE, "GET", "/healthz/etcd", false),
                Arguments.of("{nonResourceURLs: ['*']}", ALICE, "GET", "/openapi/v2", true),
                Arguments.of("{nonResourceURLs: ['*']}", ALICE, "GET", "/api/v1/pods", false),
                Arguments.of("{nonResourceURLs: ['/api*']}", ALICE, "GET", "/api/v1/pods", false));
    }

    @ParameterizedTest(name = "{0} {2} {3}")
    @MethodSource("cases")
    void ruleMatching(String rule, UserInfo user, String method, String path, boolean matched) {
        String metadataRule = rule.equals("{}") ? "{level: Metadata}" : "{level: Metadata, " + rule.substring(1);
        Policy policy = PolicyFile.parse(("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- " + metadataRule
                + "\n- {level: None}\n").getBytes(StandardCharsets.UTF_8));
        assertThat(policy.evaluate(attributes(user, method, path)).level()).isEqualTo(matched ? Level.Metadata : Level.None);
    }

    @ParameterizedTest(name = "first match wins: {1} {2}")
    @MethodSource("firstMatch")
    void theFirstMatchingRuleDecides(UserInfo user, String method, String path, Level expected) {
        Policy policy = PolicyFile.parse("""
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                - level: None
                  users: [bob]
                - level: Metadata
                  resources: [{group: '', resources: [secrets]}]
                - level: RequestResponse
                  verbs: [create]
                - level: Request
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(policy.evaluate(attributes(user, method, path)).level()).isEqualTo(expected);
    }

    static Stream<Arguments> firstMatch() {
        return Stream.of(
                Arguments.of(BOB, "POST", "/api/v1/namespaces/a/secrets", Level.None),
                Arguments.of(ALICE, "POST", "/api/v1/namespaces/a/secrets", Level.Metadata),
                Arguments.of(ALICE, "POST", "/api/v1/namespaces/a/configmaps", Level.RequestResponse),
                Arguments.of(ALICE, "GET", "/api/v1/namespaces/a/configmaps", Level.Request));
    }

    @org.junit.jupiter.api.Test
    void omitStagesAreThePolicysAndTheRulesAndOmitManagedFieldsTheRuleOverrides() {
        Policy policy = PolicyFile.parse("""
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                omitManagedFields: true
                rules:
                - level: Metadata
                  verbs: [watch]
                  omitStages: [ResponseStarted]
                  omitManagedFields: false
                - level: Request
                """.getBytes(StandardCharsets.UTF_8));
        Policy.Decision watch = policy.evaluate(attributes(ALICE, "GET", "/api/v1/pods?watch=1"));
        assertThat(watch.omitStages()).containsExactlyInAnyOrder(Stage.RequestReceived, Stage.ResponseStarted);
        assertThat(watch.omitManagedFields()).isFalse();
        Policy.Decision get = policy.evaluate(attributes(ALICE, "GET", "/api/v1/pods"));
        assertThat(get.omitStages()).containsExactly(Stage.RequestReceived);
        assertThat(get.omitManagedFields()).isTrue();
    }

    static RequestAttributes attributes(UserInfo user, String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String watch = q < 0 ? null : "true";
        return RequestAttributes.of(user, RequestInfoResolver.resolve(method, path, watch, null));
    }
}

package dev.kapi.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.authn.UserInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading {@code --audit-policy-file}: kube's validation messages, and the example in {@code config/}. */
class PolicyFileTest {

    private static final String HEAD = "apiVersion: audit.k8s.io/v1\nkind: Policy\n";

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(HEAD + "rules: []\n", "loaded illegal policy with 0 rules"),
                Arguments.of(HEAD, "loaded illegal policy with 0 rules"),
                Arguments.of("apiVersion: audit.k8s.io/v2\nkind: Policy\nrules: [{level: None}]\n",
                        "unknown group version field audit.k8s.io/v2, Kind=Policy in policy: expected apiVersion "
                                + "audit.k8s.io/v1 and kind Policy"),
                Arguments.of("rules: [{level: None}]\n", "unknown group version field /, Kind= in policy: expected "
                        + "apiVersion audit.k8s.io/v1 and kind Policy"),
                Arguments.of(HEAD + "rules: [{}]\n", "rules[0].level: Required value"),
                Arguments.of(HEAD + "rules: [{level: Everything}]\n", "rules[0].level: Unsupported value: "
                        + "\"Everything\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\""),
                Arguments.of(HEAD + "rules: [{level: None, omitStages: [Started]}]\n", "rules[0].omitStages[0]: Invalid "
                        + "value: \"Started\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic"),
                Arguments.of(HEAD + "rules: [{level: None, nonResourceURLs: [healthz]}]\n", "rules[0].nonResourceURLs[0]: "
                        + "Invalid value: \"healthz\": non-resource URL rules must begin with a '/' character"),
                Arguments.of(HEAD + "rules: [{level: None, nonResourceURLs: ['/a*/b']}]\n", "rules[0].nonResourceURLs[0]: "
                        + "Invalid value: \"/a*/b\": non-resource URL wildcards '*' must be the final character of the rule"),
                Arguments.of(HEAD + "rules: [{level: None, nonResourceURLs: ['/a'], namespaces: [x]}]\n",
                        "rules[0].nonResourceURLs: Invalid value: [/a]: rules cannot apply to both regular resources "
                                + "and non-resource URLs"),
                Arguments.of(HEAD + "rules: [{level: None, resources: [{group: '', resourceNames: [x]}]}]\n",
                        "rules[0].resources.resourceNames: Invalid value: [x]: using resourceNames requires at least "
                                + "one resource"),
                Arguments.of(HEAD + "rules: [{level: None, resources: [{group: 'apps/v1'}]}]\n",
                        "rules[0].resources.group: Invalid value: \"apps/v1\": a lowercase RFC 1123 subdomain must"),
                Arguments.of(HEAD + "rules: [{level: Bad}, {}]\n", "[rules[0].level: Unsupported value: \"Bad\": "
                        + "supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\", rules[1].level: "
                        + "Required value]"),
                Arguments.of(HEAD + "rules: [{level: None, users: bob}]\n",
                        "failed decoding: rules[0].users: expected a list of strings"),
                Arguments.of(HEAD + "rules: [{level: None\n", "failed decoding: "));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void anInvalidPolicyIsRefusedWithKubesReasonInOneLine(String yaml, String reason) {
        assertThatThrownBy(() -> PolicyFile.parse(yaml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PolicyFile.InvalidPolicyException.class)
                .hasMessageStartingWith(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void jsonIsReadToo() {
        Policy p = PolicyFile.parse("""
                {"apiVersion":"audit.k8s.io/v1","kind":"Policy","metadata":{"name":"x"},"rules":[{"level":"Request",
                 "resources":[{"group":"","resources":["pods"]}],"unknownField":1}]}""".getBytes(StandardCharsets.UTF_8));
        assertThat(p.rules()).hasSize(1);
        assertThat(p.rules().getFirst().level()).isEqualTo(Level.Request);
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> PolicyFile.load(Path.of("/nonexistent/policy.yaml")))
                .hasMessageStartingWith("failed to read file path \"/nonexistent/policy.yaml\": ");
    }

    /** The annotated example users copy: it loads, and decides as its comments say. */
    @Test
    void theExampleInConfigLoadsAndDecidesAsItsCommentsSay() throws Exception {
        Policy p = PolicyFile.load(examplePolicy());
        UserInfo alice = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());
        assertThat(level(p, alice, "GET", "/healthz")).isEqualTo(Level.None);
        assertThat(level(p, alice, "GET", "/readyz/etcd")).isEqualTo(Level.None);
        assertThat(level(p, alice, "POST", "/api/v1/namespaces/a/events")).isEqualTo(Level.None);
        assertThat(level(p, alice, "POST", "/api/v1/namespaces/a/secrets")).isEqualTo(Level.Metadata);
        assertThat(level(p, alice, "GET", "/api/v1/namespaces/a/secrets/s")).isEqualTo(Level.Metadata);
        assertThat(level(p, alice, "PUT", "/api/v1/namespaces/a/configmaps/c")).isEqualTo(Level.Metadata);
        assertThat(level(p, alice, "GET", "/apis/apps/v1/namespaces/a/deployments")).isEqualTo(Level.Metadata);
        assertThat(level(p, alice, "GET", "/api/v1/pods?watch")).isEqualTo(Level.Metadata);
        assertThat(level(p, alice, "POST", "/apis/apps/v1/namespaces/a/deployments")).isEqualTo(Level.Request);
        assertThat(level(p, alice, "DELETE", "/api/v1/namespaces/a/pods/p")).isEqualTo(Level.Request);
        assertThat(level(p, alice, "GET", "/openapi/v2")).isEqualTo(Level.Metadata);
        Policy.Decision d = p.evaluate(PolicyTest.attributes(alice, "POST", "/api/v1/namespaces/a/pods"));
        assertThat(d.omitStages()).containsExactly(Stage.RequestReceived);
        assertThat(d.omitManagedFields()).isTrue();
    }

    private static Level level(Policy p, UserInfo user, String method, String path) {
        return p.evaluate(PolicyTest.attributes(user, method, path)).level();
    }

    /** {@code config/audit-policy.yaml} of the repository, found from the working directory up. */
    static Path examplePolicy() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("config/audit-policy.yaml");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("config/audit-policy.yaml not found above " + Path.of("").toAbsolutePath());
    }
}

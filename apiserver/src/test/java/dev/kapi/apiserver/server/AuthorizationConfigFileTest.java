package dev.kapi.apiserver.server;

import dev.kapi.apiserver.testing.TestDataDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --authorization-config} read strictly, defaulted and validated with kube's messages. */
class AuthorizationConfigFileTest {

    static final Path DIR = TestDataDirs.create("kapi-authz-config-");
    static final String KUBECONFIG = DIR.resolve("webhook.yaml").toString();
    static final String HEAD = "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n";

    static {
        try {
            Files.writeString(Path.of(KUBECONFIG), "apiVersion: v1\nkind: Config\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String webhook(String name, String extra) {
        return "- type: Webhook\n  name: " + name + "\n  webhook:\n    timeout: 3s\n    subjectAccessReviewVersion: v1\n"
                + "    failurePolicy: Deny\n    connectionInfo: {type: KubeConfigFile, kubeConfigFile: " + KUBECONFIG
                + "}\n" + extra;
    }

    static Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(DIR, "authz", ".yaml"), yaml);
    }

    @Test
    void aValidFileIsReadInOrderWithKubesDefaults() throws IOException {
        List<AuthorizationConfigFile.Entry> entries = AuthorizationConfigFile.load(write(HEAD + "authorizers:\n"
                + webhook("first", "    matchConditionSubjectAccessReviewVersion: v1\n    matchConditions:\n"
                + "    - expression: has(request.resourceAttributes)\n")
                + "- {type: RBAC, name: rbac}\n" + webhook("second", "    authorizedTTL: 1m\n")));
        assertThat(entries).extracting(AuthorizationConfigFile.Entry::name).containsExactly("first", "rbac", "second");
        AuthorizationConfigFile.Webhook first = entries.get(0).webhook();
        assertThat(first.authorizedTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(first.unauthorizedTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(first.matchConditions()).containsExactly("has(request.resourceAttributes)");
        assertThat(entries.get(2).webhook().authorizedTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(entries.get(1).webhook()).isNull();
    }

    static Stream<List<String>> invalid() {
        return Stream.of(
                List.of("authorizers: []\n", "authorizers: Required value: at least one authorization mode must be defined"),
                List.of("authorizers:\n- {name: x}\n", "authorizers[0].type: Required value"),
                List.of("authorizers:\n- {type: Magic, name: x}\n", "authorizers[0].type: Unsupported value: \"Magic\": "
                        + "supported values: \"ABAC\", \"AlwaysAllow\", \"AlwaysDeny\", \"Node\", \"RBAC\", \"Webhook\""),
                List.of("authorizers:\n- {type: RBAC, name: rbac}\n- {type: RBAC, name: rbac2}\n",
                        "authorizers[1].type: Duplicate value: \"RBAC\""),
                List.of("authorizers:\n- {type: RBAC}\n", "authorizers[0].name: Required value"),
                List.of("authorizers:\n" + webhook("Bad_Name", ""), "authorizers[0].name: Invalid value: \"Bad_Name\": "
                        + "authorizer name is invalid: a lowercase RFC 1123 subdomain must consist of"),
                List.of("authorizers:\n" + webhook("w", "") + webhook("w", ""), "authorizers[1].name: Duplicate value: \"w\""),
                List.of("authorizers:\n- {type: Webhook, name: w}\n", "authorizers[0].webhook: Required value: required when type=Webhook"),
                List.of("authorizers:\n- {type: RBAC, name: rbac, webhook: {}}\n",
                        "authorizers[0].webhook: Invalid value: \"non-null\": may only be specified when type=Webhook"),
                List.of("authorizers:\n" + webhook("w", "").replace("3s", "1m"),
                        "authorizers[0].timeout: Invalid value: \"1m0s\": must be > 0s and <= 30s"),
                List.of("authorizers:\n" + webhook("w", "").replace("    timeout: 3s\n", ""),
                        "authorizers[0].timeout: Required value"),
                List.of("authorizers:\n" + webhook("w", "    unauthorizedTTL: -5s\n"),
                        "authorizers[0].unauthorizedTTL: Invalid value: \"-5s\": must be > 0s"),
                List.of("authorizers:\n" + webhook("w", "").replace("Version: v1", "Version: v2"),
                        "authorizers[0].subjectAccessReviewVersion: Unsupported value: \"v2\": supported values: \"v1\", \"v1beta1\""),
                List.of("authorizers:\n" + webhook("w", "    matchConditions:\n    - expression: 'true'\n"),
                        "authorizers[0].matchConditionSubjectAccessReviewVersion: Required value: required if match conditions are specified"),
                List.of("authorizers:\n" + webhook("w", "").replace("Deny", "Allow"),
                        "authorizers[0].failurePolicy: Unsupported value: \"Allow\": supported values: \"NoOpinion\", \"Deny\""),
                List.of("authorizers:\n" + webhook("w", "").replace(KUBECONFIG, "relative.yaml"),
                        "authorizers[0].connectionInfo.kubeConfigFile: Invalid value: \"relative.yaml\": must be an absolute path"),
                List.of("authorizers:\n" + webhook("w", "").replace(KUBECONFIG, "/nope/k.yaml"),
                        "authorizers[0].connectionInfo.kubeConfigFile: Invalid value: \"/nope/k.yaml\": error loading file: "
                                + "stat /nope/k.yaml: no such file or directory"),
                List.of("authorizers:\n" + webhook("w", "").replace(KUBECONFIG, DIR.toString()),
                        "must be a regular file"),
                List.of("authorizers:\n" + webhook("w", "").replace("type: KubeConfigFile", "type: InClusterConfig"),
                        "authorizers[0].connectionInfo.kubeConfigFile: Invalid value: \"" + KUBECONFIG
                                + "\": can only be set when type=KubeConfigFile"),
                List.of("authorizers:\n" + webhook("w", "    matchConditionSubjectAccessReviewVersion: v1\n"
                        + "    matchConditions:\n    - expression: 'request.usr == \"x\"'\n    - expression: 'true'\n"
                        + "    - expression: 'true'\n"), "[authorizers[0].matchConditions[0].expression: Invalid value: "
                        + "\"request.usr == \\\"x\\\"\": compilation failed: ERROR: <input>:1:8: undefined field 'usr'"),
                List.of("authorizers:\n" + webhook("w", "    matchConditionSubjectAccessReviewVersion: v1\n"
                        + "    matchConditions:\n    - expression: 'true'\n    - expression: 'true'\n"),
                        "authorizers[0].matchConditions[1].expression: Duplicate value: \"true\""),
                List.of("authorizers:\n- {type: RBAC, name: rbac}\n- {type: RBAC, name: x}\n- {type: Magic, name: y}\n",
                        "[authorizers[1].type: Duplicate value: \"RBAC\", authorizers[2].type: Unsupported value: \"Magic\""),
                List.of("authorizers:\n- {type: RBAC, name: my-rbac}\n", "expected name rbac for authorizer RBAC instead of my-rbac"),
                List.of("authorizers:\n- {type: RBAC, name: rbac, colour: blue}\n",
                        "failed to load AuthorizationConfiguration from file: strict decoding error: unknown field "
                                + "\"authorizers[0].colour\""),
                List.of("authorizers:\n" + webhook("w", "    retries: 3\n"), "unknown field \"authorizers[0].webhook.retries\""),
                List.of("authorizers:\n" + webhook("w", "").replace("3s", "soon"), "time: invalid duration \"soon\""));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidFilesSayWhatIsWrongAsKubeDoes(List<String> c) throws IOException {
        Path file = write(HEAD + c.get(0));
        assertThatThrownBy(() -> AuthorizationConfigFile.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(c.get(1));
    }

    @Test
    void onlyAnAuthorizationConfigurationIsRead() throws IOException {
        Path other = write("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n");
        assertThatThrownBy(() -> AuthorizationConfigFile.load(other)).hasMessageContaining("expected kind "
                + "AuthorizationConfiguration of apiserver.config.k8s.io/v1 (or v1beta1, v1alpha1), got "
                + "\"AdmissionConfiguration\"");
        Path empty = write("");
        assertThatThrownBy(() -> AuthorizationConfigFile.load(empty))
                .hasMessage("authorizers: Required value: at least one authorization mode must be defined");
        Path twice = write(HEAD + "authorizers:\n" + webhook("w", "    failurePolicy: NoOpinion\n"));
        assertThatThrownBy(() -> AuthorizationConfigFile.load(twice)).hasMessageContaining("failurePolicy");
        Path beta = write(HEAD.replace("/v1", "/v1beta1") + "authorizers:\n- {type: AlwaysDeny, name: alwaysdeny}\n");
        assertThat(AuthorizationConfigFile.load(beta)).hasSize(1);
    }

    @Test
    void theExampleIsValid() throws IOException {
        String example = Files.readString(Path.of("..").toAbsolutePath().normalize()
                .resolve("config/authorization-config.yaml"));
        List<AuthorizationConfigFile.Entry> entries = AuthorizationConfigFile.load(write(example
                .replace("/etc/kapi/authz-webhook.kubeconfig", KUBECONFIG)));
        assertThat(entries).extracting(AuthorizationConfigFile.Entry::type).containsExactly("Webhook", "RBAC");
        assertThat(entries.getFirst().webhook().matchConditions()).hasSize(3);
    }

    @Test
    void notWithTheFlagsItReplaces() {
        for (String flag : SecurityConfig.UNSTRUCTURED_FLAGS) {
            var env = new org.springframework.mock.env.MockEnvironment().withProperty("authorization-config", "/x.yaml")
                    .withProperty(flag, "");
            assertThatThrownBy(() -> new SecurityConfig().authorization(null, null, null, env, null, null)).as(flag)
                    .isInstanceOf(StartupFailure.class).hasMessage("--authorization-config can not be specified when "
                            + "--authorization-mode or --authorization-webhook-* flags are defined");
        }
    }
}

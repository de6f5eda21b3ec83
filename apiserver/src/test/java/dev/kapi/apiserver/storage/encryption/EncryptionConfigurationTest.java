package dev.kapi.apiserver.storage.encryption;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading an EncryptionConfiguration as kube does: which rule covers a resource, how providers and keys are
 * ordered for writes and tried for reads (rotation, the identity fallback), and every configuration kube
 * refuses, refused with kube's field error and never with key material in the message.
 */
class EncryptionConfigurationTest {

    static final String K1 = key(32, 1);
    static final String K2 = key(32, 2);
    private static final byte[] AD = "/registry/secrets/ns/s".getBytes(UTF_8);
    private static final byte[] PLAIN = "{\"kind\":\"Secret\"}".getBytes(UTF_8);

    static String key(int size, int fill) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) fill);
        return Base64.getEncoder().encodeToString(b);
    }

    static String config(String rules) {
        return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n" + rules;
    }

    static EncryptionConfiguration parse(String rules) {
        return EncryptionConfiguration.parse(config(rules));
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void aResourceIsCoveredByItsNameThenItsGroupThenEverything() {
        EncryptionConfiguration c = parse("""
                  - resources: [secrets, deployments.apps]
                    providers: [{aescbc: {keys: [{name: exact, secret: %1$s}]}}]
                  - resources: ["*.apps", "*."]
                    providers: [{aesgcm: {keys: [{name: group, secret: %1$s}]}}]
                  - resources: ["*.*"]
                    providers: [{secretbox: {keys: [{name: all, secret: %1$s}]}}]
                """.formatted(K1));
        assertThat(text(c.transformerFor("", "secrets").orElseThrow().toStorage(PLAIN, AD)))
                .startsWith("k8s:enc:aescbc:v1:exact:");
        assertThat(text(c.transformerFor("apps", "deployments").orElseThrow().toStorage(PLAIN, AD)))
                .startsWith("k8s:enc:aescbc:v1:exact:");
        assertThat(text(c.transformerFor("apps", "statefulsets").orElseThrow().toStorage(PLAIN, AD)))
                .startsWith("k8s:enc:aesgcm:v1:group:");
        assertThat(text(c.transformerFor("", "configmaps").orElseThrow().toStorage(PLAIN, AD)))
                .startsWith("k8s:enc:aesgcm:v1:group:");
        assertThat(text(c.transformerFor("example.com", "widgets").orElseThrow().toStorage(PLAIN, AD)))
                .startsWith("k8s:enc:secretbox:v1:all:");
        assertThat(c.summary()).containsExactly("secrets, deployments.apps: aescbc(exact)", "*.apps, *.: aesgcm(group)",
                "*.*: secretbox(all)");
    }

    @Test
    void aResourceNoRuleCoversIsNotEncrypted() {
        EncryptionConfiguration c = parse("""
                  - resources: [secrets]
                    providers: [{aescbc: {keys: [{name: key1, secret: %s}]}}]
                """.formatted(K1));
        assertThat(c.transformerFor("", "configmaps")).isEmpty();
        assertThat(c.transformerFor("apps", "secrets")).isEmpty();
    }

    @Test
    void theFirstKeyWritesAndEveryKeyReadsAnOlderOneStale() {
        ValueTransformer before = parse("""
                  - resources: [secrets]
                    providers: [{aescbc: {keys: [{name: key1, secret: %s}]}}]
                """.formatted(K1)).transformerFor("", "secrets").orElseThrow();
        ValueTransformer rotated = parse("""
                  - resources: [secrets]
                    providers:
                      - aescbc: {keys: [{name: key2, secret: %s}, {name: key1, secret: %s}]}
                """.formatted(K2, K1)).transformerFor("", "secrets").orElseThrow();
        byte[] old = before.toStorage(PLAIN, AD);

        assertThat(text(rotated.toStorage(PLAIN, AD))).startsWith("k8s:enc:aescbc:v1:key2:");
        ValueTransformer.Read read = rotated.fromStorage(old, AD);
        assertThat(read.value()).isEqualTo(PLAIN);
        assertThat(read.stale()).isTrue();
        assertThat(rotated.fromStorage(rotated.toStorage(PLAIN, AD), AD).stale()).isFalse();
        assertThatThrownBy(() -> before.fromStorage(rotated.toStorage(PLAIN, AD), AD))
                .hasMessage("no matching key was found for the provided AES transformer");
    }

    @Test
    void identityAfterAnEncrypterReadsWhatWasStoredBeforeEncryptionAndIdentityFirstStillReadsEncrypted() {
        ValueTransformer encrypting = parse("""
                  - resources: [secrets]
                    providers: [{secretbox: {keys: [{name: k, secret: %s}]}}, {identity: {}}]
                """.formatted(K1)).transformerFor("", "secrets").orElseThrow();
        ValueTransformer decrypting = parse("""
                  - resources: [secrets]
                    providers: [{identity: {}}, {secretbox: {keys: [{name: k, secret: %s}]}}]
                """.formatted(K1)).transformerFor("", "secrets").orElseThrow();
        ValueTransformer.Read plain = encrypting.fromStorage(PLAIN, AD);
        assertThat(plain.value()).isEqualTo(PLAIN);
        assertThat(plain.stale()).isTrue();

        byte[] encrypted = encrypting.toStorage(PLAIN, AD);
        assertThat(decrypting.toStorage(PLAIN, AD)).isEqualTo(PLAIN);
        assertThat(decrypting.fromStorage(encrypted, AD).value()).isEqualTo(PLAIN);
        assertThat(decrypting.fromStorage(encrypted, AD).stale()).isTrue();
    }

    @Test
    void plainDataWithoutIdentityAndUnknownProvidersDoNotRead() {
        ValueTransformer aescbcOnly = parse("""
                  - resources: [secrets]
                    providers: [{aescbc: {keys: [{name: key1, secret: %s}]}}]
                """.formatted(K1)).transformerFor("", "secrets").orElseThrow();
        assertThatThrownBy(() -> aescbcOnly.fromStorage(PLAIN, AD)).hasMessage("no matching prefix found");
        assertThatThrownBy(() -> aescbcOnly.fromStorage("k8s:enc:secretbox:v1:k:abc".getBytes(UTF_8), AD))
                .hasMessage("no matching prefix found");
    }

    @Test
    void aRuleNamingAResourceAgainAddsItsProvidersAfterTheFirstRules() {
        ValueTransformer t = parse("""
                  - resources: [secrets]
                    providers: [{aesgcm: {keys: [{name: a, secret: %s}]}}]
                  - resources: [secrets, configmaps]
                    providers: [{aescbc: {keys: [{name: b, secret: %s}]}}]
                """.formatted(K1, K2)).transformerFor("", "secrets").orElseThrow();
        ValueTransformer second = parse("""
                  - resources: [secrets]
                    providers: [{aescbc: {keys: [{name: b, secret: %s}]}}]
                """.formatted(K2)).transformerFor("", "secrets").orElseThrow();
        assertThat(text(t.toStorage(PLAIN, AD))).startsWith("k8s:enc:aesgcm:v1:a:");
        assertThat(t.fromStorage(second.toStorage(PLAIN, AD), AD).value()).isEqualTo(PLAIN);
    }

    static Stream<Arguments> refused() {
        String cbc = "{aescbc: {keys: [{name: key1, secret: " + K1 + "}]}}";
        return Stream.of(
                Arguments.of("no rules", "  []\n", "resources: Required value: at least one resources is required"),
                Arguments.of("a rule without resources", "  - providers: [" + cbc + "]\n",
                        "resources[0].resources: Required value: at least one resources[0].resources is required"),
                Arguments.of("a rule without providers", "  - resources: [secrets]\n",
                        "resources[0].providers: Required value: at least one resources[0].providers is required"),
                Arguments.of("a resource twice in a rule", "  - resources: [secrets, secrets]\n    providers: [" + cbc
                        + "]\n", "resources[0].resources: Invalid value: \"[secrets, secrets]\": the same resource "
                        + "cannot be specified multiple times"),
                Arguments.of("a resource and its group's wildcard", "  - resources: [secrets, '*.']\n    providers: ["
                        + cbc + "]\n", "in the same resource list is not allowed as they will be masked"),
                Arguments.of("a resource an earlier wildcard masks", "  - resources: ['*.apps']\n    providers: ["
                        + cbc + "]\n  - resources: [deployments.apps]\n    providers: [" + cbc + "]\n",
                        "resource \"deployments.apps\" is masked by earlier rule \"*.apps\""),
                Arguments.of("a bare star", "  - resources: ['*']\n    providers: [" + cbc + "]\n",
                        "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources"),
                Arguments.of("capital letters", "  - resources: [Secrets]\n    providers: [" + cbc + "]\n",
                        "resource name should not contain capital letters"),
                Arguments.of("events.k8s.io", "  - resources: [events.events.k8s.io]\n    providers: [" + cbc + "]\n",
                        "Use 'events' instead in the config file"),
                Arguments.of("an unknown provider", "  - resources: [secrets]\n    providers: [{aesfoo: {}}]\n",
                        "unknown field \"resources[0].providers[0].aesfoo\""),
                Arguments.of("two providers in one element", "  - resources: [secrets]\n    providers: [{aescbc: "
                        + "{keys: [{name: a, secret: " + K1 + "}]}, identity: {}}]\n",
                        "more than one provider specified in a single element"),
                Arguments.of("kms", "  - resources: [secrets]\n    providers: [{kms: {name: k, endpoint: "
                        + "'unix:///kms.sock'}}]\n", "resources[0].providers[0].kms: Unsupported value: the kms "
                        + "provider is not supported by this server"),
                Arguments.of("an aes key of 10 bytes", "  - resources: [secrets]\n    providers: [{aescbc: {keys: "
                        + "[{name: key1, secret: " + key(10, 7) + "}]}}]\n", "resources[0].providers[0].aescbc.keys[0]"
                        + ".secret: Invalid value: \"REDACTED\": secret is not of the expected length, got 10, "
                        + "expected one of [16 24 32]"),
                Arguments.of("a secretbox key of 16 bytes", "  - resources: [secrets]\n    providers: [{secretbox: "
                        + "{keys: [{name: k, secret: " + key(16, 7) + "}]}}]\n", "got 16, expected one of [32]"),
                Arguments.of("a key that is not base64", "  - resources: [secrets]\n    providers: [{aesgcm: {keys: "
                        + "[{name: k, secret: 'not base64!'}]}}]\n", "secrets must be base64 encoded"),
                Arguments.of("a key without a name", "  - resources: [secrets]\n    providers: [{aesgcm: {keys: "
                        + "[{secret: " + K1 + "}]}}]\n", "keys[0].name: Required value: name is a mandatory field"),
                Arguments.of("a provider without keys", "  - resources: [secrets]\n    providers: [{aescbc: {}}]\n",
                        "resources[0].providers[0].aescbc.keys: Required value: at least one keys is required"),
                Arguments.of("an unknown field", "  - resources: [secrets]\n    provider: [" + cbc + "]\n",
                        "unknown field \"resources[0].provider\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aConfigurationKubeRefusesIsRefusedOnOneLineWithoutTheKeys(String name, String rules, String problem) {
        assertThatThrownBy(() -> parse(rules))
                .isInstanceOf(EncryptionConfiguration.InvalidEncryptionConfiguration.class)
                .hasMessageContaining(problem)
                .message().doesNotContain(K1).doesNotContain(key(10, 7)).doesNotContain("\n");
    }

    @Test
    void anotherKindOrVersionOrAnEmptyFileIsRefused() {
        assertThatThrownBy(() -> EncryptionConfiguration.parse("apiVersion: apiserver.config.k8s.io/v1\n"
                + "kind: AdmissionConfiguration\n")).hasMessage("expected kind EncryptionConfiguration of "
                + "apiserver.config.k8s.io/v1, got kind \"AdmissionConfiguration\" of \"apiserver.config.k8s.io/v1\"");
        assertThatThrownBy(() -> EncryptionConfiguration.parse("")).hasMessage("the file is empty");
        assertThatThrownBy(() -> EncryptionConfiguration.parse("{")).hasMessageStartingWith("not YAML or JSON");
    }

    @Test
    void jsonWorksAsWellAsYaml() {
        EncryptionConfiguration c = EncryptionConfiguration.parse("""
                {"apiVersion":"apiserver.config.k8s.io/v1","kind":"EncryptionConfiguration",
                 "resources":[{"resources":["secrets"],"providers":[{"aesgcm":{"keys":[{"name":"k","secret":"%s"}]}}]}]}
                """.formatted(K1));
        assertThat(c.transformerFor("", "secrets")).isPresent();
    }
}

package dev.kapi.apiserver.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.encryption.EncryptingStorage;
import dev.kapi.apiserver.storage.encryption.EncryptionConfiguration;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --encryption-provider-config}: the example in {@code config/} loads once a key is put in (and is
 * refused with its placeholder), the resources a rule names, and only those, get an encrypting storage (the
 * events.k8s.io Events with the core Events they are stored as), and a file that cannot be read or that kube
 * would refuse stops the start with one line.
 */
class EncryptionConfigTest {

    static final Path EXAMPLE = Path.of("../config/encryption-config.yaml");

    @TempDir
    Path dir;

    /** The example with a fresh random key in place of its placeholder. */
    static String exampleWithKey() throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = Files.readString(EXAMPLE);
        assertThat(text).contains("secret: REPLACE_WITH_A_KEY");
        return text.replace("REPLACE_WITH_A_KEY", Base64.getEncoder().encodeToString(key));
    }

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("encryption-" + System.nanoTime() + ".yaml"), text);
    }

    @Test
    void theExampleLoadsWithAKeyAndIsRefusedWithItsPlaceholder() throws IOException {
        EncryptionConfiguration config = EncryptionConfig.load(file(exampleWithKey()));
        assertThat(config.summary()).containsExactly("secrets, configmaps: aescbc(key1), identity");

        Path placeholder = file(Files.readString(EXAMPLE));
        assertThatThrownBy(() -> EncryptionConfig.load(placeholder)).isInstanceOf(StartupFailure.class)
                .hasMessage("--encryption-provider-config " + placeholder + ": resources[0].providers[0].aescbc"
                        + ".keys[0].secret: Invalid value: \"REDACTED\": secrets must be base64 encoded");
    }

    @Test
    void aFileThatCannotBeReadOrIsInvalidStopsTheStartWithOneLine() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> EncryptionConfig.load(missing)).isInstanceOf(StartupFailure.class)
                .satisfies(e -> assertThat(StartupFailureReporter.reason(new IllegalStateException(e)))
                        .startsWith("--encryption-provider-config: error reading encryption provider configuration "
                                + "file \"" + missing + "\"").doesNotContain("\n"));

        String key = Base64.getEncoder().encodeToString(new byte[10]);
        Path invalid = file("""
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                  - resources: [secrets, secrets]
                    providers: [{aescbc: {keys: [{name: k, secret: %s}]}}]
                """.formatted(key));
        assertThatThrownBy(() -> EncryptionConfig.load(invalid))
                .hasMessage("--encryption-provider-config " + invalid + ": [resources[0].resources: Invalid value: "
                        + "\"[secrets, secrets]\": the same resource cannot be specified multiple times, "
                        + "resources[0].providers[0].aescbc.keys[0].secret: Invalid value: \"REDACTED\": secret is "
                        + "not of the expected length, got 10, expected one of [16 24 32]]");
    }

    @Test
    void onlyTheNamedResourcesAreEncryptedAndEventsShareOneRuleAcrossTheirGroups() throws IOException {
        EncryptionConfiguration config = EncryptionConfig.load(file("""
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                  - resources: [secrets, events, "*.apps"]
                    providers: [{secretbox: {keys: [{name: k, secret: %s}]}}]
                """.formatted(Base64.getEncoder().encodeToString(new byte[32]))));
        try (Storage backend = SqliteStorage.open(dir.resolve("state.db"))) {
            List<ResourceDefinition<?>> all = BuiltInResources.all(
                    new RegistryContext(backend, "/registry", "10.96.0.0/12", "30000-32767"));
            Set<String> encrypted = all.stream()
                    .filter(d -> EncryptionConfig.decorate(config, d, backend) instanceof EncryptingStorage)
                    .map(d -> d.groupResource().toString()).collect(Collectors.toSet());
            assertThat(encrypted).contains("secrets", "events", "events.events.k8s.io", "deployments.apps",
                    "statefulsets.apps").doesNotContain("configmaps", "jobs.batch", "namespaces");

            Storage core = decorated(config, all, "", "events", backend);
            Storage eventsV1 = decorated(config, all, "events.k8s.io", "events", backend);
            core.create("/registry/events/ns/e1", "{\"reason\":\"Pulled\"}".getBytes(UTF_8));
            assertThat(new String(backend.get("/registry/events/ns/e1").value(), UTF_8))
                    .startsWith("k8s:enc:secretbox:v1:k:");
            assertThat(new String(eventsV1.get("/registry/events/ns/e1").value(), UTF_8)).contains("Pulled");
        }
    }

    private static Storage decorated(EncryptionConfiguration config, List<ResourceDefinition<?>> all, String group,
                                     String resource, Storage backend) {
        ResourceDefinition<?> d = all.stream().filter(x -> x.group().equals(group) && x.resource().equals(resource))
                .findFirst().orElseThrow();
        return EncryptionConfig.decorate(config, d, backend);
    }
}

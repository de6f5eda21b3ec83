package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authz.AlwaysAllowAuthorizer;
import dev.kapi.apiserver.authz.AuthorizationMetrics;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.authz.ReloadableAuthorizer;
import dev.kapi.apiserver.authz.WebhookAuthorizer;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --authorization-config} read again (each check called directly): a valid change swaps the chain, an
 * invalid file or one that adds or drops a non-webhook authorizer keeps it, a file that is the same changes
 * nothing, and a file that is not a regular file or too large is refused.
 */
class StructuredAuthorizationReloadTest {

    static final Path DIR = TestDataDirs.create("kapi-authz-reload-");
    static final WebhookReceiver WEBHOOK = WebhookReceiver.create();
    static final Authorizer RBAC = a -> Decision.noOpinion("");

    @AfterAll
    static void stop() {
        WEBHOOK.close();
    }

    static String config(String policy, String rbac) throws IOException {
        Path kubeconfig = WEBHOOK.kubeconfig(DIR.resolve("kc"), "");
        return """
                apiVersion: apiserver.config.k8s.io/v1
                kind: AuthorizationConfiguration
                authorizers:
                - type: Webhook
                  name: w
                  webhook:
                    timeout: 1s
                    subjectAccessReviewVersion: v1
                    failurePolicy: %s
                    connectionInfo: {type: KubeConfigFile, kubeConfigFile: %s}
                %s""".formatted(policy, kubeconfig, rbac);
    }

    @Test
    void onlyAValidChangeSwapsTheChain() throws IOException {
        Path file = Files.writeString(DIR.resolve("a.yaml"), config("Deny", "- {type: RBAC, name: rbac}\n"));
        java.util.List<Boolean> reloads = new java.util.ArrayList<>();
        AuthorizationMetrics counted = new AuthorizationMetrics() {
            @Override
            public void configReloaded(boolean succeeded) {
                reloads.add(succeeded);
            }
        };
        try (StructuredAuthorization s = new StructuredAuthorization(file, () -> RBAC, Duration.ofHours(1), counted)) {
            ReloadableAuthorizer chain = (ReloadableAuthorizer) s.authorizer();
            Authorizer first = chain.current();
            assertThat(WebhookAuthorizer.in(first)).hasSize(1);
            s.reload();
            assertThat(chain.current()).as("unchanged file").isSameAs(first);

            Files.writeString(file, config("Deny", "- {type: RBAC, name: rbac}\n") + "# a comment\n");
            s.reload();
            assertThat(chain.current()).as("the same configuration").isSameAs(first);

            for (String bad : new String[] {config("Sometimes", "- {type: RBAC, name: rbac}\n"),
                    config("Deny", ""), config("Deny", "- {type: RBAC, name: rbac}\n- {type: AlwaysAllow, name: alwaysallow}\n"),
                    "not: [valid"}) {
                Files.writeString(file, bad);
                s.reload();
                assertThat(chain.current()).as(bad).isSameAs(first);
            }
            Files.writeString(file, config("NoOpinion", "- {type: RBAC, name: rbac}\n"));
            s.reload();
            assertThat(chain.current()).isNotSameAs(first);
            assertThat(WebhookAuthorizer.in(chain.current())).hasSize(1);
            Files.delete(file);
            s.reload();
            assertThat(reloads).as("kube's reload counts: not the unchanged bytes, each changed or unreadable file")
                    .containsExactly(true, false, false, false, false, true, false);
        }
    }

    @Test
    void specialAndHugeFilesAreRefused() throws IOException {
        assertThatThrownBy(() -> StructuredAuthorization.read(Path.of("/dev/zero"))).hasMessageContaining("not a regular file");
        Path huge = DIR.resolve("huge.yaml");
        try (var out = Files.newOutputStream(huge)) {
            out.write(new byte[(int) StructuredAuthorization.MAX_SIZE + 1]);
        }
        assertThatThrownBy(() -> StructuredAuthorization.read(huge)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> new StructuredAuthorization(Path.of("/dev/zero"), () -> RBAC, Duration.ofHours(1)))
                .isInstanceOf(StartupFailure.class).hasMessageStartingWith("--authorization-config: ");
    }

    @Test
    void aTypeKapiDoesNotHaveStopsTheStart() throws IOException {
        Path file = Files.writeString(DIR.resolve("node.yaml"), config("Deny", "- {type: Node, name: node}\n"));
        assertThatThrownBy(() -> new StructuredAuthorization(file, () -> RBAC, Duration.ofHours(1)))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("authorizer type Node is not supported by Kapi");
        Path allow = Files.writeString(DIR.resolve("allow.yaml"), config("Deny", "- {type: AlwaysAllow, name: alwaysallow}\n"));
        try (StructuredAuthorization s = new StructuredAuthorization(allow, () -> RBAC, Duration.ofHours(1))) {
            assertThat(WebhookAuthorizer.in(s.authorizer())).hasSize(1);
            assertThat(s.authorizer()).isNotInstanceOf(AlwaysAllowAuthorizer.class);
        }
    }
}

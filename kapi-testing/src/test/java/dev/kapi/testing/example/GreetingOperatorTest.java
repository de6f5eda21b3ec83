package dev.kapi.testing.example;

import dev.kapi.testing.KapiServer;
import dev.kapi.testing.KapiTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The README's example: an operator-style reconciler tested against a real Kapi in this JVM. The second half
 * is what fabric8's mock server cannot show: RBAC refusing a user, a 409 for a stale resourceVersion, and a
 * watch resumed from a resourceVersion that replays exactly the changes after it.
 */
@KapiTest(crds = "crds/greetings.yaml", namespacePerTest = true)
class GreetingOperatorTest {

    KubernetesClient client;
    KapiServer kapi;

    @Test
    void theReconcilerKeepsAConfigMapWithTheGreetingsMessage() {
        try (GreetingReconciler reconciler = new GreetingReconciler(client, kapi.namespace())) {
            client.resource(Greeting.of("hello", "Hello, world")).create();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                ConfigMap cm = client.configMaps().withName("hello-greeting").get();
                assertThat(cm).isNotNull();
                assertThat(cm.getData()).containsEntry("message", "Hello, world");
                assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Greeting"));
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    client.resources(Greeting.class).withName("hello").get().getStatus().getConfigMap())
                    .isEqualTo("hello-greeting"));

            client.resources(Greeting.class).withName("hello").edit(g -> {
                g.getSpec().setMessage("Goodbye");
                return g;
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    client.configMaps().withName("hello-greeting").get().getData()).containsEntry("message", "Goodbye"));
        }
    }

    @Test
    void theServersSchemaRejectsAnInvalidGreeting() {
        assertThatThrownBy(() -> client.resource(Greeting.of("long", "x".repeat(101))).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("spec.message");
                });
        // a CEL rule of the CRD (x-kubernetes-validations), evaluated by the server in this JVM
        assertThatThrownBy(() -> client.resource(Greeting.of("no", "forbidden")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("a greeting may not say forbidden");
                });
    }

    @Test
    void rbacRefusesAUserWithoutRights() {
        KubernetesClient mallory = kapi.client("mallory", "developers");

        assertThatThrownBy(() -> mallory.resource(Greeting.of("sneaky", "hi")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("User \"mallory\" cannot create resource "
                            + "\"greetings\" in API group \"example.kapi.dev\"");
                });
        assertThat(client.resources(Greeting.class).withName("sneaky").get()).isNull();
    }

    @Test
    void anUpdateFromAStaleResourceVersionIsAConflict() {
        Greeting created = client.resource(Greeting.of("counter", "one")).create();
        client.resources(Greeting.class).withName("counter").edit(g -> {
            g.getSpec().setMessage("two");
            return g;
        });

        created.getSpec().setMessage("three");
        assertThatThrownBy(() -> client.resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(client.resources(Greeting.class).withName("counter").get().getSpec().getMessage()).isEqualTo("two");
    }

    @Test
    void aWatchResumedFromAResourceVersionReplaysTheChangesAfterIt() throws Exception {
        String from = client.resource(Greeting.of("w", "first")).create().getMetadata().getResourceVersion();
        client.resources(Greeting.class).withName("w").edit(g -> {
            g.getSpec().setMessage("second");
            return g;
        });
        client.resources(Greeting.class).withName("w").delete();

        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.resources(Greeting.class).withResourceVersion(from).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Greeting g) {
                seen.add(action + " " + g.getSpec().getMessage());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
        }
        assertThat(seen).containsExactly("MODIFIED second", "DELETED second");
    }
}

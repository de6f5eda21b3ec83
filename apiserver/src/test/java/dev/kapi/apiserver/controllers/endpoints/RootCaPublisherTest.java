package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The root CA publisher on real etcd: every namespace, existing or new, gets {@code kube-root-ca.crt} with
 * the CA and kube's description; a deleted one comes back, an edited one is set back (its data whole), a
 * terminating namespace gets none.
 */
@ExtendWith(EtcdExtension.class)
class RootCaPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    private static Harness harness;
    private static Store<Namespace> namespaces;
    private static Store<ConfigMap> configMaps;

    @BeforeAll
    static void start() {
        harness = new Harness();
        namespaces = harness.store("", "namespaces");
        configMaps = harness.store("", "configmaps");
        Writes.create(namespaces, null, namespace("ca-before"));
        harness.start(new RootCaPublisher(harness.informer(namespaces), harness.informer(configMaps), configMaps,
                Writes.PIPELINE, () -> PEM));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void everyNamespaceGetsTheCaAndKeepsIt() {
        ConfigMap before = awaitPublished("ca-before");
        assertThat(before.getData()).containsExactlyEntriesOf(Map.of("ca.crt", PEM));
        assertThat(before.getMetadata().getAnnotations()).containsEntry("kubernetes.io/description",
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
                        + "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed "
                        + "across distributions of Kubernetes clusters.");

        Writes.create(namespaces, null, namespace("ca-after"));
        awaitPublished("ca-after");

        Writes.delete(configMaps, "ca-after", "kube-root-ca.crt");
        awaitPublished("ca-after");

        Writes.update(configMaps, "ca-before", "kube-root-ca.crt", cm -> {
            cm.setData(Map.of("ca.crt", "tampered", "extra", "x"));
            cm.getMetadata().setAnnotations(Map.of("mine", "kept"));
            return cm;
        });
        ConfigMap fixed = awaitPublished("ca-before");
        assertThat(fixed.getData()).containsExactlyEntriesOf(Map.of("ca.crt", PEM));
        assertThat(fixed.getMetadata().getAnnotations()).containsEntry("mine", "kept");
    }

    @Test
    void aTerminatingNamespaceGetsNone() {
        Namespace ns = namespace("ca-terminating");
        ns.getMetadata().setFinalizers(java.util.List.of("example.com/hold"));
        Writes.create(namespaces, null, ns);
        awaitPublished("ca-terminating");
        Writes.delete(namespaces, null, "ca-terminating"); // held by its finalizer: Terminating
        Writes.delete(configMaps, "ca-terminating", "kube-root-ca.crt");
        // a later namespace is published after the terminating one was looked at
        Writes.create(namespaces, null, namespace("ca-marker"));
        awaitPublished("ca-marker");
        await().during(Duration.ofSeconds(1)).atMost(WAIT)
                .until(() -> Harness.getOrNull(configMaps, "ca-terminating", "kube-root-ca.crt") == null);
    }

    private static ConfigMap awaitPublished(String namespace) {
        return await().atMost(WAIT).until(() -> Harness.getOrNull(configMaps, namespace, "kube-root-ca.crt"),
                cm -> cm != null && Map.of("ca.crt", PEM).equals(cm.getData())
                        && cm.getMetadata().getAnnotations().containsKey("kubernetes.io/description"));
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }
}

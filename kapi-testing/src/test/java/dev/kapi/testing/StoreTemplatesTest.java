package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server started on the store template of its flags ({@link StoreTemplates}) has what a fresh one has: the
 * bootstrap objects, and its own master lease, identity lease and {@code kubernetes} endpoints, none of the
 * server the template was taken from.
 */
class StoreTemplatesTest {

    private static final ServerSettings DEFAULTS = ServerSettings.of(Defaults.class.getAnnotation(KapiTest.class));

    @KapiTest
    private static final class Defaults {
    }

    @Test
    void aServerOnTheTemplateHasTheBootstrapObjectsAndOnlyItsOwnLeasesAndEndpoints() throws Exception {
        try (ManagedServer first = ManagedServer.start(DEFAULTS); ManagedServer second = ManagedServer.start(DEFAULTS)) {
            // from the template: the same CA (a server on an empty store generates its own)
            assertThat(Files.readString(second.server().dataDir().resolve("pki/ca.crt")))
                    .isEqualTo(Files.readString(first.server().dataDir().resolve("pki/ca.crt")));
            KubernetesClient admin = second.server().client();
            assertThat(admin.rbac().clusterRoles().withName("cluster-admin").get()).isNotNull();
            assertThat(admin.namespaces().withName("kube-system").get()).isNotNull();
            assertThat(admin.apiextensions().v1().customResourceDefinitions().list().getItems()).isEmpty();
            int port = second.server().url().getPort();
            Supplier<List<Integer>> endpointPorts = () -> {
                Endpoints e = admin.endpoints().inNamespace("default").withName("kubernetes").get();
                return e == null || e.getSubsets() == null ? List.of() : e.getSubsets().stream()
                        .flatMap(s -> s.getPorts().stream()).map(p -> p.getPort()).toList();
            };
            assertThat(eventually(endpointPorts, p -> !p.isEmpty())).containsExactly(port);
            Supplier<List<Lease>> identities = () -> admin.leases().inNamespace("kube-system")
                    .withLabel("apiserver.kubernetes.io/identity").list().getItems();
            assertThat(eventually(identities, l -> !l.isEmpty())).hasSize(1);
        }
    }

    @Test
    void flagsNamingAFileOrEtcdTakeNoTemplate() throws Exception {
        var file = Files.createTempFile("kapi-tokens", ".csv");
        try {
            assertThat(StoreTemplates.eligible(List.of("--authorization-mode=RBAC"))).isTrue();
            assertThat(StoreTemplates.eligible(List.of("--token-auth-file=" + file))).isFalse();
            assertThat(StoreTemplates.eligible(List.of("--etcd-servers=http://127.0.0.1:2379"))).isFalse();
        } finally {
            Files.delete(file);
        }
    }

    private static <T> T eventually(Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            value = read.get();
        }
        return value;
    }
}

package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerRunner;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A simulated node deleted while its kubelet stand-in runs stays deleted (a kubelet registers only when it
 * starts), and its lease, once gone too, is not made again.
 */
@ExtendWith(EtcdExtension.class)
class DeletedSimulatedNodeTest {

    private static final NodeTimings FAST = new NodeTimings(Duration.ofMillis(200), 40, Duration.ofMillis(300),
            Duration.ofSeconds(1));
    /** Informers list and watch, then the stand-in registers: seconds on a CI machine starting other servers. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    @Test
    void aDeletedNodeIsNotRegisteredAgain() throws Exception {
        try (EtcdStorage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            String prefix = EtcdExtension.randomPrefix();
            StoreRegistry stores = TestStores.of(storage, prefix);
            Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                    new NamespaceBuilder().withNewMetadata().withName("kube-node-lease").endMetadata().build());
            Store<Node> nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
            Store<Lease> leases = stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow();
            SharedInformers informers = new SharedInformers(stores);
            try (ControllerRunner ignored = ControllerRunner.start(informers, SimulatedNodesControllers.create(
                    new ControllerContext(stores, Writes.PIPELINE, informers, 1, FAST.jobRunTime()), FAST))) {
                await().atMost(START_WAIT).until(() -> exists(leases, "kube-node-lease", "kapi-node-0"));
                Writes.delete(nodes, null, "kapi-node-0");
                Writes.delete(leases, "kube-node-lease", "kapi-node-0"); // the garbage collector's doing
                Instant until = Instant.now().plusSeconds(2);
                while (Instant.now().isBefore(until)) {
                    assertThat(exists(nodes, null, "kapi-node-0")).isFalse();
                    Thread.sleep(100);
                }
                assertThat(exists(leases, "kube-node-lease", "kapi-node-0")).isFalse();
            }
        }
    }

    private static boolean exists(Store<?> store, String namespace, String name) {
        try {
            store.get(namespace, name);
            return true;
        } catch (StatusError e) {
            return false;
        }
    }
}

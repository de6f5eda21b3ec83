package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.controllers.ControllerSelection;
import dev.kapi.apiserver.controllers.ControllerSettings;
import dev.kapi.apiserver.controllers.LeaderElection;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The simulated nodes as the controller manager runs them ({@code --simulated-nodes}): none with 0, the node
 * heartbeats and the kubelet stand-in otherwise, with the kubelet's default clocks; more nodes than there are pod
 * CIDRs refused.
 */
@ExtendWith(EtcdExtension.class)
class SimulatedNodesWiringTest {

    @Test
    void theControllerManagerRunsThemOnlyWhenAsked() {
        try (EtcdStorage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            String prefix = EtcdExtension.randomPrefix();
            StoreRegistry stores = TestStores.of(storage, prefix);
            assertThat(SimulatedNodesControllers.create(new ControllerContext(stores, Writes.PIPELINE,
                    new SharedInformers(stores), 0, Duration.ofSeconds(1)))).isEmpty();
            assertThat(SimulatedNodesControllers.create(new ControllerContext(stores, Writes.PIPELINE,
                    new SharedInformers(stores), 3, Duration.ofSeconds(1))))
                    .extracting(c -> c.name())
                    .containsExactly("simulated-node-heartbeat", "simulated-kubelet");
            assertThatThrownBy(() -> SimulatedNodesControllers.create(new ControllerContext(stores, Writes.PIPELINE,
                    new SharedInformers(stores), 3073, Duration.ofSeconds(1))))
                    .hasMessage("--simulated-nodes must be at most 3072, not 3073");
            assertThat(SimulatedNode.podCidr(3071)).isEqualTo("10.255.255.0/24");
            Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                    new NamespaceBuilder().withNewMetadata().withName("kube-node-lease").endMetadata().build());
            Store<Node> nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
            Store<Lease> leases = stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow();
            try (ControllerManager manager = new ControllerManager(stores, Writes.PIPELINE, new ControllerSettings(ControllerSelection.ALL, LeaderElection.DISABLED, 1, Duration.ofSeconds(1), null))) {
                manager.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> exists(leases, "kube-node-lease", "kapi-node-0"));
                assertThat(exists(nodes, null, "kapi-node-0")).isTrue();
                assertThat(exists(nodes, null, "kapi-node-1")).isFalse();
                assertThat(leases.get("kube-node-lease", "kapi-node-0").getSpec().getLeaseDurationSeconds())
                        .isEqualTo(40);
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

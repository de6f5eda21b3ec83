package dev.kapi.apiserver.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.ServiceAllocationRepair;
import dev.kapi.apiserver.registry.core.ServiceAllocations;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repair loop on etcd with the registry's Services: a cluster IP and node port a server allocated but never
 * stored a Service for (it stopped in between) are freed on the third pass, while those of stored Services stay.
 */
@ExtendWith(EtcdExtension.class)
class ServiceAllocationRepairLoopTest {

    @Test
    void freesWhatAStoppedServerAllocatedAndKeepsWhatServicesHold() {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, prefix);
            Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                    new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build());
            Store<Service> services = stores.find("", "v1", "services", Service.class).orElseThrow();
            Service stored = Writes.create(services, "default", service("web", null, null));
            ServiceAllocations allocations = new ServiceAllocations(storage, prefix, "10.96.0.0/12", "30000-32767");
            allocations.allocate(service("lost", "10.96.0.99", 30099), false); // never stored

            try (ServiceAllocationRepairLoop loop = new ServiceAllocationRepairLoop(allocations, stores,
                    Duration.ofMinutes(3))) {
                assertThat(loop.runOnce().leaking()).containsExactlyInAnyOrder("cluster IP 10.96.0.99",
                        "node port 30099");
                assertThat(loop.runOnce().freed()).isEmpty();
                ServiceAllocationRepair.Result third = loop.runOnce();
                assertThat(third.freed()).containsExactlyInAnyOrder("cluster IP 10.96.0.99", "node port 30099");
                assertThat(third.repaired()).isEmpty();
            }
            // the freed values can be had again; the stored Service's cannot
            Writes.create(services, "default", service("again", "10.96.0.99", 30099));
            String webIp = stored.getSpec().getClusterIP();
            assertThat(webIp).isNotBlank();
            assertThatThrownBy(() ->
                    Writes.create(services, "default", service("clash", webIp, null)))
                    .hasMessageContaining("already allocated");
        }
    }

    private static Service service(String name, String clusterIp, Integer nodePort) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withType(nodePort == null ? "ClusterIP" : "NodePort").withClusterIP(clusterIp)
                .addNewPort().withPort(80).withProtocol("TCP").withNodePort(nodePort).endPort().endSpec().build();
    }
}

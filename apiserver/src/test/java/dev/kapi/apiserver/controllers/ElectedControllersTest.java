package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With leader election the controller manager holds two Leases as kube's two components do: the scheduler runs
 * under {@code kube-system/kube-scheduler}, everything else under {@code kube-system/kube-controller-manager};
 * both are taken at start and given up at close. Without the scheduler selected, only the first exists.
 */
@ExtendWith(EtcdExtension.class)
class ElectedControllersTest {

    private static final LeaderElection ELECTION = new LeaderElection(true, "kube-system", LeaderElection.LEASE,
            "replica-a", Duration.ofSeconds(2), Duration.ofMillis(1200), Duration.ofMillis(200));

    @Test
    void theSchedulerHoldsALeaseOfItsOwn() {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, prefix);
            Store<Lease> leases = stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow();
            try (ControllerManager manager = new ControllerManager(stores, Writes.PIPELINE,
                    new ControllerSettings(ControllerSelection.ALL, ELECTION, 0, Duration.ofSeconds(1), null))) {
                manager.start();
                assertThat(manager.leading()).isTrue();
                assertThat(holder(leases, "kube-controller-manager")).isEqualTo("replica-a");
                assertThat(holder(leases, "kube-scheduler")).isEqualTo("replica-a");
            }
            assertThat(holder(leases, "kube-controller-manager")).as("given up at close").isNull();
            assertThat(holder(leases, "kube-scheduler")).as("given up at close").isNull();

            try (ControllerManager manager = new ControllerManager(stores, Writes.PIPELINE, new ControllerSettings(
                    ControllerSelection.parse("*,-kube-scheduler"), ELECTION.forLease("other-kcm"), 0,
                    Duration.ofSeconds(1), null))) {
                manager.start();
                assertThat(holder(leases, "other-kcm")).isEqualTo("replica-a");
                assertThat(holder(leases, "kube-scheduler")).as("not taken by a manager without the scheduler")
                        .isNull();
            }
        }
    }

    private static String holder(Store<Lease> leases, String name) {
        return leases.get("kube-system", name).getSpec().getHolderIdentity();
    }
}

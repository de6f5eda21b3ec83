package dev.kapi.apiserver.registry.core;

import static dev.kapi.apiserver.registry.core.ServiceAllocationsTest.svc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The repair pass (kube's RepairIPs and RepairPorts): a value a server allocated and never stored a Service for is
 * freed on the third pass in a row that finds it so, a value a Service holds but the allocation lost is allocated
 * again at once, and a pass whose write finds the allocation changed under it writes and counts nothing.
 */
class ServiceAllocationRepairTest {

    private final InMemoryCasStorage storage = new InMemoryCasStorage();
    private final ServiceAllocations allocations = new ServiceAllocations(storage, "/registry", "10.0.0.0/24",
            "30000-30099");
    private final ServiceAllocationRepair repair = new ServiceAllocationRepair(allocations);
    private final List<Service> stored = new ArrayList<>();

    @Test
    void aValueNoServiceHoldsIsFreedOnTheThirdPass() {
        Service kept = create("kept", "NodePort", "10.0.0.5", 30005);
        Service lost = svc("lost", "NodePort", "10.0.0.42", 30042);
        allocations.allocate(lost, false); // allocated, then the server stopped before storing it

        assertThat(repair.repair(() -> stored).leaking()).containsExactly("cluster IP 10.0.0.42", "node port 30042");
        assertThat(repair.repair(() -> stored).freed()).isEmpty();
        assertThat(allocations.ips().isAllocated(42)).isTrue();
        ServiceAllocationRepair.Result third = repair.repair(() -> stored);
        assertThat(third.freed()).containsExactly("cluster IP 10.0.0.42", "node port 30042");
        assertThat(allocations.ips().isAllocated(42)).isFalse();
        assertThat(allocations.ports().isAllocated(42)).isFalse();
        assertThat(allocations.ips().isAllocated(allocations.heldIp(kept))).isTrue();

        create("again", "NodePort", "10.0.0.42", 30042); // the value is free for the next Service
        assertThat(repair.repair(() -> stored).freed()).isEmpty();
    }

    @Test
    void aCreateOnItsWayKeepsItsValue() {
        Service late = svc("late", "ClusterIP", "10.0.0.50");
        allocations.allocate(late, false);
        repair.repair(() -> stored);
        repair.repair(() -> stored);
        stored.add(late); // stored before a third pass: never freed
        ServiceAllocationRepair.Result third = repair.repair(() -> stored);
        assertThat(third.freed()).isEmpty();
        assertThat(third.leaking()).isEmpty();
        repair.repair(() -> stored);
        assertThat(allocations.ips().isAllocated(50)).isTrue();
    }

    @Test
    void aValueAServiceHoldsButTheAllocationLostIsAllocatedAgain() {
        Service restored = create("restored", "NodePort", "10.0.0.7", 30007);
        allocations.releaseAll(restored); // e.g. the allocation key restored from an older backup
        assertThat(allocations.ips().isAllocated(7)).isFalse();

        ServiceAllocationRepair.Result pass = repair.repair(() -> stored);
        assertThat(pass.repaired()).containsExactly("cluster IP 10.0.0.7", "node port 30007");
        assertThat(allocations.ips().isAllocated(7)).isTrue();
        assertThatThrownBy(() -> allocations.allocate(svc("clash", "ClusterIP", "10.0.0.7"), false))
                .isInstanceOf(StatusError.class).hasMessageContaining("already allocated");
    }

    @Test
    void aPassWhoseWriteLosesARaceWritesAndCountsNothing() {
        Service lost = svc("lost", "ClusterIP", "10.0.0.60");
        allocations.allocate(lost, false);
        for (int pass = 0; pass < ServiceAllocationRepair.PASSES_BEFORE_FREEING + 1; pass++) {
            // a create allocates between the pass's read of the allocation and its write
            Service racing = svc("racing" + pass, "ClusterIP", "10.0.0." + (70 + pass));
            ServiceAllocationRepair.Result result = repair.repair(() -> {
                allocations.allocate(racing, false);
                return stored;
            });
            // passes 1 and 2 only count the leak (nothing to write); 3 and 4 would free it, lose the race, count nothing
            assertThat(result.freed()).isEmpty();
            assertThat(result.leaking()).hasSize(pass < 2 ? 1 : 0);
            assertThat(allocations.ips().isAllocated(60)).isTrue();
            assertThat(allocations.ips().isAllocated(70 + pass)).isTrue();
            stored.add(racing);
        }
        assertThat(repair.repair(() -> stored).freed()).containsExactly("cluster IP 10.0.0.60");
        assertThat(allocations.ips().isAllocated(60)).isFalse();
        assertThat(allocations.ips().isAllocated(73)).isTrue();
    }

    private Service create(String name, String type, String clusterIp, Integer... nodePorts) {
        Service s = svc(name, type, clusterIp, nodePorts);
        s.getMetadata().setNamespace("default");
        allocations.allocate(s, false);
        stored.add(s);
        return s;
    }
}

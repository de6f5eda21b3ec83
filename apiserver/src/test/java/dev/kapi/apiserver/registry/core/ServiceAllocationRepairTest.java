package dev.kapi.apiserver.registry.core;

import static dev.kapi.apiserver.registry.core.ServiceAllocationsTest.svc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
    void aPassWhoseWriteLosesItsRacesWritesAndCountsNothing() {
        allocations.allocate(svc("lost", "ClusterIP", "10.0.0.60"), false);
        int[] racing = {70};
        Supplier<List<Service>> racingCreates = () -> {
            // a create allocates between each read of the allocation and the pass's write
            Service s = svc("racing" + racing[0], "ClusterIP", "10.0.0." + racing[0]++);
            allocations.allocate(s, false);
            stored.add(s);
            return List.copyOf(stored.subList(0, stored.size() - 1));
        };
        repair.repair(racingCreates);
        repair.repair(racingCreates); // the leak's passes 1 and 2: nothing to write, they count
        for (int pass = 0; pass < 2; pass++) {
            // pass 3 would free it, but each of its reads lost its race: it counts nothing
            ServiceAllocationRepair.Result result = repair.repair(racingCreates);
            assertThat(result.freed()).isEmpty();
            assertThat(allocations.ips().isAllocated(60)).isTrue();
        }
        assertThat(racing[0]).isEqualTo(70 + 2 + 2 * ServiceAllocationRepair.ATTEMPTS);
        assertThat(repair.repair(() -> stored).freed()).containsExactly("cluster IP 10.0.0.60");
        assertThat(allocations.ips().isAllocated(60)).isFalse();
        assertThat(stored).allMatch(s -> allocations.ips().isAllocated(allocations.heldIp(s)));
    }

    @Test
    void aRaceLostOnceIsReadAgainInTheSamePass() {
        Service lost = svc("lost", "ClusterIP", "10.0.0.60");
        allocations.allocate(lost, false);
        repair.repair(() -> stored);
        repair.repair(() -> stored);
        boolean[] raced = {false};
        ServiceAllocationRepair.Result third = repair.repair(() -> {
            if (!raced[0]) {
                raced[0] = true;
                allocations.allocate(svc("racing", "ClusterIP", "10.0.0.80"), false); // stored later
            }
            return stored;
        });
        assertThat(third.freed()).containsExactly("cluster IP 10.0.0.60");
        assertThat(allocations.ips().isAllocated(80)).isTrue(); // leaking once, kept
    }

    @Test
    void anAllocationStoredForAnotherRangeIsLeftAlone() {
        ServiceAllocations other = new ServiceAllocations(storage, "/registry", "10.0.1.0/24", "30000-30099");
        other.allocate(svc("theirs", "ClusterIP", "10.0.1.9"), false); // a replica started with another range
        for (int pass = 0; pass < ServiceAllocationRepair.PASSES_BEFORE_FREEING + 1; pass++) {
            assertThat(repair.repair(() -> stored).freed()).isEmpty();
        }
        assertThat(other.ips().isAllocated(9)).isTrue();
    }

    /** kube's repair controllers' Events: reason, action and message as theirs, about the Service involved. */
    @Test
    void thePassReportsKubesEventsAboutTheServicesInvolved() {
        Service restored = create("restored", "NodePort", "10.0.0.7", 30007);
        allocations.releaseAll(restored);
        create("first", "NodePort", "10.0.0.8", 30008);
        Service twin = svc("twin", "NodePort", "10.0.0.8", 30008); // stored past the allocator (a restore)
        twin.getMetadata().setNamespace("default");
        stored.add(twin);
        Service outside = svc("outside", "NodePort", "192.168.9.9", 31999);
        outside.getMetadata().setNamespace("default");
        stored.add(outside);

        List<String> events = repair.repair(() -> stored).events().stream().map(e -> e.service().getMetadata()
                .getName() + " " + e.controller() + " " + e.reason() + " " + e.action() + " " + e.message()).toList();

        assertThat(events).containsExactlyInAnyOrder(
                "restored ipallocator-repair-controller ClusterIPNotAllocated ClusterIPAllocation "
                        + "Cluster IP [IPv4]:10.0.0.7 is not allocated; repairing",
                "restored portallocator-repair-controller PortNotAllocated PortAllocation "
                        + "Port 30007 is not allocated; repairing",
                "twin ipallocator-repair-controller ClusterIPAlreadyAllocated ClusterIPAllocation "
                        + "Cluster IP [IPv4]:10.0.0.8 was assigned to multiple services; please recreate service",
                "twin portallocator-repair-controller PortAlreadyAllocated PortAllocation "
                        + "Port 30008 was assigned to multiple services; please recreate service",
                "outside ipallocator-repair-controller ClusterIPOutOfRange ClusterIPAllocation "
                        + "Cluster IP [IPv4]:192.168.9.9 is not within the configured Service CIDR 10.0.0.0/24; "
                        + "please recreate service",
                "outside portallocator-repair-controller PortOutOfRange PortAllocation "
                        + "Port 31999 is not within the port range 30000-30099; please recreate service");
        // a second pass finds the lost values allocated again: only the lasting problems are reported
        assertThat(repair.repair(() -> stored).events()).extracting(ServiceAllocationRepair.ServiceEvent::reason)
                .containsExactlyInAnyOrder("ClusterIPAlreadyAllocated", "PortAlreadyAllocated", "ClusterIPOutOfRange",
                        "PortOutOfRange");
    }

    private Service create(String name, String type, String clusterIp, Integer... nodePorts) {
        Service s = svc(name, type, clusterIp, nodePorts);
        s.getMetadata().setNamespace("default");
        allocations.allocate(s, false);
        stored.add(s);
        return s;
    }
}

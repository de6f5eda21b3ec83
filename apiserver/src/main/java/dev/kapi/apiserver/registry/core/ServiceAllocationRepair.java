package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * kube's repair loops for service cluster IPs and node ports (the apiserver's {@code RepairIPs} and
 * {@code RepairPorts}), one pass at a time: the stored allocation is compared with what the stored Services hold.
 * <ul>
 *   <li>A value a Service holds that the allocation lacks is allocated again (a lost or restored allocation).</li>
 *   <li>A value allocated that no Service holds has leaked (a server stopped between allocating and storing the
 *       Service): it is freed once {@link #PASSES_BEFORE_FREEING} passes in a row found it so, as kube's, so that a
 *       create still on its way (allocated, not yet stored) never loses its value.</li>
 *   <li>Two Services holding one value are logged; the allocation keeps it.</li>
 * </ul>
 * The allocation is read first, then the Services; the new allocation is written only if the stored one did not
 * change meanwhile (a compare-and-swap on its revision), else the pass changes nothing and counts nothing.
 *
 * <p>Example: a server allocated 10.96.0.42 and stopped before storing the Service. Passes 1 and 2 find it
 * leaked and keep it; pass 3 frees it, and the next Service may get it.
 */
public final class ServiceAllocationRepair {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAllocationRepair.class);

    /** kube's {@code numRepairsBeforeLeakCleanup}. */
    static final int PASSES_BEFORE_FREEING = 3;

    /** What one pass did: values allocated again, values freed, values found leaked but kept for now. */
    public record Result(List<String> repaired, List<String> freed, List<String> leaking) {
    }

    private final ServiceAllocations allocations;
    private Map<Integer, Integer> ipLeaks = new HashMap<>();
    private Map<Integer, Integer> portLeaks = new HashMap<>();

    public ServiceAllocationRepair(ServiceAllocations allocations) {
        this.allocations = allocations;
    }

    /**
     * One pass over the cluster IPs and the node ports; {@code services} lists every stored Service (read after
     * the allocations). What it changed is logged and answered; a kind whose allocation changed meanwhile is left
     * for the next pass (not in the result).
     */
    public synchronized Result repair(Supplier<List<Service>> services) {
        RangeAllocator.Snapshot ips = allocations.ips().snapshot();
        RangeAllocator.Snapshot ports = allocations.ports().snapshot();
        List<Service> all = services.get();
        BitSet heldIps = new BitSet();
        BitSet heldPorts = new BitSet();
        for (Service svc : all) {
            Integer ip = allocations.heldIp(svc);
            if (ip != null) {
                hold(heldIps, ip, svc, "cluster IP " + allocations.ipAt(ip));
            }
            for (int port : allocations.heldPorts(svc)) {
                hold(heldPorts, allocations.portOffset(port), svc, "node port " + port);
            }
        }
        Result result = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Pass ipPass = Pass.of(ips.allocated(), heldIps, ipLeaks, offset -> "cluster IP " + allocations.ipAt(offset));
        if (ipPass.write(allocations.ips(), ips, result)) {
            ipLeaks = ipPass.leaks();
        }
        Pass portPass = Pass.of(ports.allocated(), heldPorts, portLeaks,
                offset -> "node port " + allocations.portAt(offset));
        if (portPass.write(allocations.ports(), ports, result)) {
            portLeaks = portPass.leaks();
        }
        result.repaired().forEach(v -> LOG.warn("the {} is held by a service but was not allocated: repaired", v));
        result.freed().forEach(v -> LOG.warn("the {} appears to have leaked: freed", v));
        return result;
    }

    private static void hold(BitSet held, int offset, Service svc, String what) {
        if (held.get(offset)) {
            LOG.warn("the {} of service {}/{} is held by another service too", what,
                    svc.getMetadata().getNamespace(), svc.getMetadata().getName());
        }
        held.set(offset);
    }

    /**
     * The allocation one pass wants for one kind: every held value, plus the leaked ones not yet found leaked in
     * {@link #PASSES_BEFORE_FREEING} passes ({@code leaks} counts them for the next pass).
     */
    private record Pass(BitSet next, Map<Integer, Integer> leaks, List<String> repaired, List<String> freed,
                        List<String> leaking) {

        static Pass of(BitSet allocated, BitSet held, Map<Integer, Integer> leaks, IntFunction<String> name) {
            Pass pass = new Pass((BitSet) held.clone(), new HashMap<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
            for (int offset = held.nextSetBit(0); offset >= 0; offset = held.nextSetBit(offset + 1)) {
                if (!allocated.get(offset)) {
                    pass.repaired.add(name.apply(offset));
                }
            }
            for (int offset = allocated.nextSetBit(0); offset >= 0; offset = allocated.nextSetBit(offset + 1)) {
                if (held.get(offset)) {
                    continue;
                }
                int passes = leaks.getOrDefault(offset, 0) + 1;
                if (passes < PASSES_BEFORE_FREEING) {
                    pass.next.set(offset);
                    pass.leaks.put(offset, passes);
                    pass.leaking.add(name.apply(offset));
                } else {
                    pass.freed.add(name.apply(offset));
                }
            }
            return pass;
        }

        /** Writes the allocation when it differs from {@code read}; true when the pass counts (into {@code result}). */
        boolean write(RangeAllocator allocator, RangeAllocator.Snapshot read, Result result) {
            if (!next.equals(read.allocated()) && !allocator.replace(read, next)) {
                LOG.info("an allocation changed during its repair; the next pass looks again");
                return false;
            }
            result.repaired().addAll(repaired);
            result.freed().addAll(freed);
            result.leaking().addAll(leaking);
            return true;
        }
    }
}

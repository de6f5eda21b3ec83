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

    /** How often a pass reads again when its write lost a race with an allocation (kube retries on conflict). */
    static final int ATTEMPTS = 3;

    /**
     * One pass over the cluster IPs and the node ports; {@code services} lists every stored Service (read after
     * the allocations). A kind whose allocation changed between its read and the write is read again, up to
     * {@link #ATTEMPTS} times; one still changing is left for the next pass (not counted, not in the result). A kind
     * whose stored range is not this server's (replicas started with different ranges) is left alone. What a pass
     * changed is logged and answered.
     */
    public synchronized Result repair(Supplier<List<Service>> services) {
        Result result = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        boolean ipsDone = false;
        boolean portsDone = false;
        for (int attempt = 0; attempt < ATTEMPTS && !(ipsDone && portsDone); attempt++) {
            RangeAllocator.Snapshot ips = ipsDone ? null : ownRange(allocations.ips());
            RangeAllocator.Snapshot ports = portsDone ? null : ownRange(allocations.ports());
            ipsDone |= ips == null;
            portsDone |= ports == null;
            if (ipsDone && portsDone) {
                break;
            }
            List<Service> all = services.get();
            BitSet heldIps = new BitSet();
            BitSet heldPorts = new BitSet();
            for (Service svc : all) {
                Integer ip = allocations.heldIp(svc);
                if (ip != null) {
                    hold(heldIps, ip, svc, "cluster IP " + allocations.ipAt(ip), !ipsDone && attempt == 0);
                }
                for (int port : allocations.heldPorts(svc)) {
                    hold(heldPorts, allocations.portOffset(port), svc, "node port " + port,
                            !portsDone && attempt == 0);
                }
            }
            if (!ipsDone) {
                Pass pass = Pass.of(ips.allocated(), heldIps, ipLeaks, o -> "cluster IP " + allocations.ipAt(o));
                if (pass.write(allocations.ips(), ips, result)) {
                    ipLeaks = pass.leaks();
                    ipsDone = true;
                }
            }
            if (!portsDone) {
                Pass pass = Pass.of(ports.allocated(), heldPorts, portLeaks,
                        o -> "node port " + allocations.portAt(o));
                if (pass.write(allocations.ports(), ports, result)) {
                    portLeaks = pass.leaks();
                    portsDone = true;
                }
            }
        }
        result.repaired().forEach(v -> LOG.warn("the {} is held by a service but was not allocated: repaired", v));
        result.freed().forEach(v -> LOG.warn("the {} appears to have leaked: freed", v));
        return result;
    }

    /** The allocator's stored allocation, or null (logged) when it was written for another range. */
    private static RangeAllocator.Snapshot ownRange(RangeAllocator allocator) {
        RangeAllocator.Snapshot snapshot = allocator.snapshot();
        if (snapshot.range() != null && !snapshot.range().equals(allocator.rangeName())) {
            LOG.warn("not repairing the allocation of {}: it was stored for {} (every server must be started with"
                    + " the same range)", allocator.rangeName(), snapshot.range());
            return null;
        }
        return snapshot;
    }

    private static void hold(BitSet held, int offset, Service svc, String what, boolean log) {
        if (held.get(offset) && log) {
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
                LOG.info("the allocation of {} changed during its repair; reading it again", allocator.rangeName());
                return false;
            }
            result.repaired().addAll(repaired);
            result.freed().addAll(freed);
            result.leaking().addAll(leaking);
            return true;
        }
    }
}

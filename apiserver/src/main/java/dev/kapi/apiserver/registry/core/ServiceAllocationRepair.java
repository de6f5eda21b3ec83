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
 * As kube's, a pass reports Warning Events about the Services involved ({@link ServiceEvent}): a value a Service
 * holds that was not allocated ({@code ClusterIPNotAllocated}, {@code PortNotAllocated}), one a second Service
 * holds too ({@code ClusterIPAlreadyAllocated}, {@code PortAlreadyAllocated}) and a value outside the range
 * ({@code ClusterIPOutOfRange}, {@code PortOutOfRange}).
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

    /**
     * What one pass did: values allocated again, values freed, values found leaked but kept for now, and the Events
     * it has for the Services involved.
     */
    public record Result(List<String> repaired, List<String> freed, List<String> leaking, List<ServiceEvent> events) {
    }

    /** kube's repair controllers' components: the cluster IP one and the node port one. */
    public static final String IP_CONTROLLER = "ipallocator-repair-controller";
    public static final String PORT_CONTROLLER = "portallocator-repair-controller";

    /** A Warning Event about {@code service}, as kube's repair controller {@code controller} writes it. */
    public record ServiceEvent(Service service, String controller, String reason, String action, String message) {
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
        Result result = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
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
            Map<Integer, Service> ipHolders = new HashMap<>();
            Map<Integer, Service> portHolders = new HashMap<>();
            List<ServiceEvent> events = result.events();
            for (Service svc : all) {
                boolean first = attempt == 0;
                Integer ip = allocations.heldIp(svc);
                if (ip != null && !ipsDone && hold(ipHolders, ip, svc, "cluster IP " + allocations.ipAt(ip), first)) {
                    events.add(ipEvent(svc, "ClusterIPAlreadyAllocated", allocations.ipAt(ip)
                            + " was assigned to multiple services; please recreate service"));
                }
                String outside = allocations.ipOutsideRange(svc);
                if (outside != null && !ipsDone && first) {
                    events.add(ipEvent(svc, "ClusterIPOutOfRange", outside + " is not within the configured "
                            + "Service CIDR " + allocations.ipRangeCidr() + "; please recreate service"));
                }
                if (!portsDone && first) {
                    for (int port : allocations.portsOutsideRange(svc)) {
                        events.add(new ServiceEvent(svc, PORT_CONTROLLER, "PortOutOfRange", "PortAllocation",
                                "Port " + port + " is not within the port range " + allocations.portRangeText()
                                        + "; please recreate service"));
                    }
                }
                for (int port : allocations.heldPorts(svc)) {
                    if (!portsDone && hold(portHolders, allocations.portOffset(port), svc, "node port " + port, first)) {
                        events.add(new ServiceEvent(svc, PORT_CONTROLLER, "PortAlreadyAllocated", "PortAllocation",
                                "Port " + port + " was assigned to multiple services; please recreate service"));
                    }
                }
            }
            if (!ipsDone) {
                Pass pass = Pass.of(ips.allocated(), bits(ipHolders), ipLeaks, o -> "cluster IP " + allocations.ipAt(o));
                if (pass.write(allocations.ips(), ips, result)) {
                    ipLeaks = pass.leaks();
                    ipsDone = true;
                    pass.repairedOffsets().forEach(o -> events.add(ipEvent(ipHolders.get(o), "ClusterIPNotAllocated",
                            allocations.ipAt(o) + " is not allocated; repairing")));
                }
            }
            if (!portsDone) {
                Pass pass = Pass.of(ports.allocated(), bits(portHolders), portLeaks,
                        o -> "node port " + allocations.portAt(o));
                if (pass.write(allocations.ports(), ports, result)) {
                    portLeaks = pass.leaks();
                    portsDone = true;
                    pass.repairedOffsets().forEach(o -> events.add(new ServiceEvent(portHolders.get(o),
                            PORT_CONTROLLER, "PortNotAllocated", "PortAllocation",
                            "Port " + allocations.portAt(o) + " is not allocated; repairing")));
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

    /** Records {@code svc} as holding {@code offset}; true (logged when {@code report}) when another held it first. */
    private static boolean hold(Map<Integer, Service> holders, int offset, Service svc, String what, boolean report) {
        if (holders.putIfAbsent(offset, svc) == null || !report) {
            return false;
        }
        LOG.warn("the {} of service {}/{} is held by another service too", what, svc.getMetadata().getNamespace(),
                svc.getMetadata().getName());
        return true;
    }

    private static BitSet bits(Map<Integer, Service> holders) {
        BitSet held = new BitSet();
        holders.keySet().forEach(held::set);
        return held;
    }

    /** kube's cluster IP Events name the address family: {@code Cluster IP [IPv4]:10.96.0.42 ...}. */
    private static ServiceEvent ipEvent(Service svc, String reason, String ipAndRest) {
        String family = ipAndRest.substring(0, ipAndRest.indexOf(' ')).contains(":") ? "IPv6" : "IPv4";
        return new ServiceEvent(svc, IP_CONTROLLER, reason, "ClusterIPAllocation",
                "Cluster IP [" + family + "]:" + ipAndRest);
    }

    /**
     * The allocation one pass wants for one kind: every held value, plus the leaked ones not yet found leaked in
     * {@link #PASSES_BEFORE_FREEING} passes ({@code leaks} counts them for the next pass).
     */
    private record Pass(BitSet next, Map<Integer, Integer> leaks, List<String> repaired, List<Integer> repairedOffsets,
                        List<String> freed, List<String> leaking) {

        static Pass of(BitSet allocated, BitSet held, Map<Integer, Integer> leaks, IntFunction<String> name) {
            Pass pass = new Pass((BitSet) held.clone(), new HashMap<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
            for (int offset = held.nextSetBit(0); offset >= 0; offset = held.nextSetBit(offset + 1)) {
                if (!allocated.get(offset)) {
                    pass.repaired.add(name.apply(offset));
                    pass.repairedOffsets.add(offset);
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

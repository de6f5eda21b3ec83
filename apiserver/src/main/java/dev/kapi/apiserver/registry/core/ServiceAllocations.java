package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.Storage;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cluster IPs and node ports of services, allocated in storage (keys {@code <prefix>/ranges/serviceips} and
 * {@code <prefix>/ranges/servicenodeports}) so that several servers sharing the storage never hand out the same
 * one. Honours requested values (422 "provided IP is already allocated" / "provided port is already allocated"),
 * allocates the rest, and answers 500 "failed to allocate a serviceIP: range is full" when nothing is left.
 * On a dry run values are picked and checked but nothing is written.
 */
public final class ServiceAllocations {

    private final ServiceIpRange ipRange;
    private final NodePortRange portRange;
    private final RangeAllocator ips;
    private final RangeAllocator ports;

    public ServiceAllocations(Storage storage, String keyPrefix, String serviceClusterIpRange, String serviceNodePortRange) {
        this.ipRange = ServiceIpRange.parse(serviceClusterIpRange);
        this.portRange = NodePortRange.parse(serviceNodePortRange);
        long total = ipRange.total();
        int ipStatic = (int) Math.min(Math.max(16, total / 16), 256);
        this.ips = new RangeAllocator(storage, keyPrefix + "/ranges/serviceips", ipRange.cidr(),
                ipRange.allocatorSize(), 2, 1 + ipStatic);
        int portStatic = Math.min(Math.max(16, portRange.size() / 32), 128);
        this.ports = new RangeAllocator(storage, keyPrefix + "/ranges/servicenodeports", portRange.text(),
                portRange.size(), 0, portStatic);
    }

    /**
     * Checks {@code --service-cluster-ip-range} and {@code --service-node-port-range} as the allocations will read
     * them: an {@link IllegalArgumentException} with a message naming the flag when one cannot be used.
     */
    public static void checkRanges(String serviceClusterIpRange, String serviceNodePortRange) {
        ServiceIpRange.parse(serviceClusterIpRange);
        NodePortRange.parse(serviceNodePortRange);
    }

    /** The first address of {@code serviceClusterIpRange}: the {@code kubernetes} Service's cluster IP, as kube's. */
    public static String firstAddress(String serviceClusterIpRange) {
        return ServiceIpRange.parse(serviceClusterIpRange).addressAt(1);
    }

    /** Allocates what a new service needs, writing the values into it. */
    public void allocate(Service svc, boolean dryRun) {
        allocate(svc, null, dryRun);
    }

    /**
     * Allocates what {@code svc} needs and {@code old} (null on create) does not already hold. On failure
     * everything taken by this call is released again before the error is thrown.
     */
    public void allocate(Service svc, Service old, boolean dryRun) {
        List<Runnable> undo = new ArrayList<>();
        try {
            allocateIp(svc, old, dryRun, undo);
            allocatePorts(svc, old, dryRun, undo);
        } catch (RuntimeException e) {
            if (!dryRun) {
                undo.forEach(Runnable::run);
            }
            throw e;
        }
    }

    /** Releases everything {@code svc} holds. */
    public void releaseAll(Service svc) {
        Integer ip = heldIp(svc);
        if (ip != null) {
            ips.release(ip);
        }
        for (int p : heldPorts(svc)) {
            ports.release(p - portRange.base());
        }
    }

    /** Releases what {@code from} holds and {@code keep} does not (after an update, or after a failed one). */
    public void releaseDifference(Service from, Service keep) {
        Integer ip = heldIp(from);
        if (ip != null && !ip.equals(keep == null ? null : heldIp(keep))) {
            ips.release(ip);
        }
        Set<Integer> kept = keep == null ? Set.of() : heldPorts(keep);
        for (int p : heldPorts(from)) {
            if (!kept.contains(p)) {
                ports.release(p - portRange.base());
            }
        }
    }

    private void allocateIp(Service svc, Service old, boolean dryRun, List<Runnable> undo) {
        ServiceSpec spec = svc.getSpec();
        if (!ServiceTypes.needsClusterIp(svc)) {
            return;
        }
        String requested = spec.getClusterIP();
        if (requested != null && !requested.isEmpty()) {
            int off = ipRange.offsetOf(requested);
            if (off < 0) {
                throw invalid(svc, "spec.clusterIPs[0]", requested, "provided IP is not in the valid range. "
                        + "The range of valid IPs is " + ipRange.cidr());
            }
            if (old != null && Integer.valueOf(off).equals(heldIp(old))) {
                return;
            }
            try {
                ips.allocate(off, dryRun);
            } catch (RangeAllocator.AllocationException e) {
                throw invalid(svc, "spec.clusterIPs[0]", requested, "provided IP is already allocated");
            }
            undo.add(() -> ips.release(off));
            return;
        }
        int off;
        try {
            off = ips.allocateNext(dryRun);
        } catch (RangeAllocator.AllocationException e) {
            throw StatusError.internal("failed to allocate a serviceIP: range is full");
        }
        undo.add(() -> ips.release(off));
        String ip = ipRange.addressAt(off);
        spec.setClusterIP(ip);
        spec.setClusterIPs(new ArrayList<>(List.of(ip)));
    }

    private void allocatePorts(Service svc, Service old, boolean dryRun, List<Runnable> undo) {
        ServiceSpec spec = svc.getSpec();
        if (!ServiceTypes.hasNodePorts(svc)) {
            return;
        }
        Set<Integer> oldHeld = old == null ? Set.of() : heldPorts(old);
        Set<Integer> taken = new LinkedHashSet<>();
        List<ServicePort> list = spec.getPorts() == null ? List.of() : spec.getPorts();
        for (int i = 0; i < list.size(); i++) {
            ServicePort port = list.get(i);
            Integer np = port.getNodePort();
            if (np != null && np != 0) {
                if (!taken.add(np) || oldHeld.contains(np)) {
                    continue;
                }
                allocatePort(svc, np, "spec.ports[" + i + "].nodePort", dryRun, undo);
            } else if (ServiceTypes.allocatesNodePorts(svc)) {
                int p = allocateNextPort(dryRun, undo, taken);
                port.setNodePort(p);
            }
        }
        if (ServiceTypes.needsHealthCheckNodePort(svc)) {
            Integer hc = spec.getHealthCheckNodePort();
            if (hc != null && hc != 0) {
                if (taken.add(hc) && !oldHeld.contains(hc)) {
                    allocatePort(svc, hc, "spec.healthCheckNodePort", dryRun, undo);
                }
            } else {
                spec.setHealthCheckNodePort(allocateNextPort(dryRun, undo, taken));
            }
        }
    }

    private void allocatePort(Service svc, int port, String field, boolean dryRun, List<Runnable> undo) {
        if (!portRange.contains(port)) {
            throw invalid(svc, field, port, "provided port is not in the valid range. The range of valid ports is "
                    + portRange.text());
        }
        int off = port - portRange.base();
        try {
            ports.allocate(off, dryRun);
        } catch (RangeAllocator.AllocationException e) {
            throw invalid(svc, field, port, "provided port is already allocated");
        }
        undo.add(() -> ports.release(off));
    }

    private int allocateNextPort(boolean dryRun, List<Runnable> undo, Set<Integer> taken) {
        for (int attempt = 0; ; attempt++) {
            int off;
            try {
                off = ports.allocateNext(dryRun);
            } catch (RangeAllocator.AllocationException e) {
                throw StatusError.internal("failed to allocate a nodePort: range is full");
            }
            int port = portRange.base() + off;
            if (!dryRun) {
                undo.add(() -> ports.release(off));
            }
            if (taken.add(port) || !dryRun || attempt > 16) {
                return port;
            }
        }
    }

    RangeAllocator ips() {
        return ips;
    }

    RangeAllocator ports() {
        return ports;
    }

    /** The cluster IP at allocator offset {@code offset}. */
    String ipAt(int offset) {
        return ipRange.addressAt(offset);
    }

    /** The node port at allocator offset {@code offset}. */
    int portAt(int offset) {
        return portRange.base() + offset;
    }

    /** The allocator offset of the node port {@code port}. */
    int portOffset(int port) {
        return port - portRange.base();
    }

    /** The allocator offset of the cluster IP {@code svc} holds, or null. */
    /** The cluster IP {@code svc} has outside {@code --service-cluster-ip-range} (kube's ClusterIPOutOfRange), or null. */
    String ipOutsideRange(Service svc) {
        if (!ServiceTypes.needsClusterIp(svc)) {
            return null;
        }
        String ip = svc.getSpec().getClusterIP();
        return ip == null || ip.isEmpty() || ip.equals("None") || ipRange.offsetOf(ip) >= 0 ? null : ip;
    }

    /** {@code --service-cluster-ip-range} as configured. */
    String ipRangeCidr() {
        return ipRange.cidr();
    }

    Integer heldIp(Service svc) {
        if (!ServiceTypes.needsClusterIp(svc)) {
            return null;
        }
        String ip = svc.getSpec().getClusterIP();
        int off = ip == null ? -1 : ipRange.offsetOf(ip);
        return off < 0 ? null : off;
    }

    /** The node ports (and health check port) {@code svc} holds. */
    Set<Integer> heldPorts(Service svc) {
        return nodePorts(svc, true);
    }

    /** The node ports {@code svc} has outside {@code --service-node-port-range} (kube's PortOutOfRange). */
    Set<Integer> portsOutsideRange(Service svc) {
        return nodePorts(svc, false);
    }

    /** {@code --service-node-port-range} as configured. */
    String portRangeText() {
        return portRange.text();
    }

    private Set<Integer> nodePorts(Service svc, boolean inRange) {
        Set<Integer> ports = new LinkedHashSet<>();
        if (!ServiceTypes.hasNodePorts(svc)) {
            return ports;
        }
        if (svc.getSpec().getPorts() != null) {
            for (ServicePort p : svc.getSpec().getPorts()) {
                if (p.getNodePort() != null && p.getNodePort() != 0 && portRange.contains(p.getNodePort()) == inRange) {
                    ports.add(p.getNodePort());
                }
            }
        }
        Integer hc = svc.getSpec().getHealthCheckNodePort();
        if (ServiceTypes.needsHealthCheckNodePort(svc) && hc != null && hc != 0 && portRange.contains(hc) == inRange) {
            ports.add(hc);
        }
        return ports;
    }

    private static StatusError invalid(Service svc, String field, Object value, String detail) {
        return StatusError.invalid("Service", "", svc.getMetadata() == null ? null : svc.getMetadata().getName(),
                List.of(FieldError.invalid(field, value, detail)));
    }
}

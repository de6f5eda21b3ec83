package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The subsets of a Service's Endpoints, as kube's endpoints controller computes them: one address per pod
 * that belongs (terminating pods only with {@code publishNotReadyAddresses}), in the IP family of the
 * Service, ready when the pod is (or when not-ready addresses are published), for every service port the pod
 * has (a headless Service without ports: the addresses alone); then repacked (kube's RepackSubsets): the
 * addresses that offer the same ports, with the same readiness, share one subset; an address not ready on a
 * port is not ready there. Addresses are sorted by IP then pod uid, ports by name, port and protocol, subsets
 * by their first address (kube orders ports and subsets by a hash). Over {@link #MAX_CAPACITY} addresses
 * the subsets are truncated as kube does ({@link #truncate}).
 */
final class EndpointSubsets {

    /** kube's maxCapacity: the most addresses one Endpoints holds. */
    static final int MAX_CAPACITY = 1000;

    private record AddressKey(String ip, String uid) {
    }

    private EndpointSubsets() {
    }

    /** The repacked subsets of the Service for the pods it selects. */
    static List<EndpointSubset> of(Service svc, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        // the ports each address offers, with its readiness on each (not ready wins)
        Map<AddressKey, EndpointAddress> addresses = new LinkedHashMap<>();
        Map<EndpointPort, Map<AddressKey, Boolean>> byPort = new LinkedHashMap<>();
        EndpointPort noPorts = new EndpointPort();
        for (Pod pod : pods) {
            if (!ServicePods.belongs(pod, publishNotReady)) {
                continue;
            }
            EndpointAddress address = address(svc, pod);
            if (address == null) {
                continue;
            }
            boolean ready = publishNotReady || ServicePods.ready(pod);
            AddressKey key = new AddressKey(address.getIp(), pod.getMetadata().getUid());
            List<ServicePort> ports = svc.getSpec().getPorts();
            if (ports.isEmpty()) {
                if (!ServicePods.hasClusterIp(svc)) {
                    addresses.putIfAbsent(key, address);
                    byPort.computeIfAbsent(noPorts, p -> new LinkedHashMap<>()).merge(key, ready, Boolean::logicalAnd);
                }
                continue;
            }
            for (ServicePort sp : ports) {
                OptionalInt number = ServicePods.findPort(pod, sp);
                if (number.isEmpty()) {
                    continue;
                }
                addresses.putIfAbsent(key, address);
                byPort.computeIfAbsent(port(sp, number.getAsInt()), p -> new LinkedHashMap<>())
                        .merge(key, ready, Boolean::logicalAnd);
            }
        }
        // ports offered by the same addresses, with the same readiness, share a subset
        Map<Map<AddressKey, Boolean>, List<EndpointPort>> byAddresses = new LinkedHashMap<>();
        byPort.forEach((port, set) -> byAddresses.computeIfAbsent(set, s -> new ArrayList<>()).add(port));
        List<EndpointSubset> subsets = new ArrayList<>();
        byAddresses.forEach((set, ports) -> {
            EndpointSubset subset = new EndpointSubset();
            set.forEach((key, ready) -> (ready ? subset.getAddresses() : subset.getNotReadyAddresses())
                    .add(addresses.get(key)));
            subset.getAddresses().sort(ADDRESS_ORDER);
            subset.getNotReadyAddresses().sort(ADDRESS_ORDER);
            if (!(ports.size() == 1 && ports.getFirst() == noPorts)) {
                ports.sort(PORT_ORDER);
                subset.getPorts().addAll(ports);
            }
            subsets.add(subset);
        });
        subsets.sort(SUBSET_ORDER);
        return subsets;
    }

    private static final Comparator<EndpointPort> PORT_ORDER = Comparator
            .comparing((EndpointPort p) -> Objects.toString(p.getName(), ""))
            .thenComparing(p -> p.getPort() == null ? 0 : p.getPort())
            .thenComparing(p -> Objects.toString(p.getProtocol(), ""));

    private static final Comparator<EndpointAddress> ADDRESS_ORDER = Comparator
            .comparing(EndpointAddress::getIp)
            .thenComparing(a -> a.getTargetRef() == null ? "" : Objects.toString(a.getTargetRef().getUid(), ""));

    private static final Comparator<EndpointSubset> SUBSET_ORDER = Comparator
            .comparing((EndpointSubset s) -> first(s), ADDRESS_ORDER)
            .thenComparing(s -> s.getPorts().isEmpty() ? null : s.getPorts().getFirst(),
                    Comparator.nullsFirst(PORT_ORDER));

    private static EndpointAddress first(EndpointSubset s) {
        return !s.getAddresses().isEmpty() ? s.getAddresses().getFirst() : s.getNotReadyAddresses().getFirst();
    }

    /** kube's podToEndpointAddressForService: the pod's IP of the Service's family, or null. */
    static EndpointAddress address(Service svc, Pod pod) {
        List<String> families = svc.getSpec().getIpFamilies();
        boolean ipv6;
        if (families != null && !families.isEmpty()) {
            ipv6 = "IPv6".equals(families.getFirst());
        } else if (ServicePods.hasClusterIp(svc)) {
            ipv6 = ServicePods.isIpv6(svc.getSpec().getClusterIP());
        } else {
            ipv6 = ServicePods.isIpv6(ServicePods.ips(pod).getFirst());
        }
        String ip = ServicePods.ips(pod).stream().filter(i -> ServicePods.isIpv6(i) == ipv6).findFirst().orElse(null);
        if (ip == null) {
            return null;
        }
        EndpointAddress address = new EndpointAddress();
        address.setIp(ip);
        String node = pod.getSpec().getNodeName();
        if (node != null && !node.isEmpty()) {
            address.setNodeName(node);
        }
        if (ServicePods.publishesHostname(pod, svc)) {
            address.setHostname(pod.getSpec().getHostname());
        }
        ObjectReference ref = new ObjectReference();
        ref.setKind("Pod");
        ref.setNamespace(pod.getMetadata().getNamespace());
        ref.setName(pod.getMetadata().getName());
        ref.setUid(pod.getMetadata().getUid());
        address.setTargetRef(ref);
        return address;
    }

    private static EndpointPort port(ServicePort sp, int number) {
        EndpointPort port = new EndpointPort();
        if (sp.getName() != null && !sp.getName().isEmpty()) {
            port.setName(sp.getName());
        }
        port.setPort(number);
        port.setProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol());
        port.setAppProtocol(sp.getAppProtocol());
        return port;
    }

    static int count(List<EndpointSubset> subsets) {
        int n = 0;
        for (EndpointSubset s : subsets) {
            n += s.getAddresses().size() + s.getNotReadyAddresses().size();
        }
        return n;
    }

    /**
     * kube's truncateEndpoints: keeps {@link #MAX_CAPACITY} addresses, ready ones first, each subset keeping
     * its share (rounded up, the last ones getting what is left); false when there was nothing to cut.
     */
    static boolean truncate(List<EndpointSubset> subsets) {
        int ready = 0;
        int notReady = 0;
        for (EndpointSubset s : subsets) {
            ready += s.getAddresses().size();
            notReady += s.getNotReadyAddresses().size();
        }
        if (ready + notReady <= MAX_CAPACITY) {
            return false;
        }
        boolean cutReady = ready > MAX_CAPACITY;
        int max = cutReady ? MAX_CAPACITY : MAX_CAPACITY - ready;
        int total = cutReady ? ready : notReady;
        int left = max;
        for (EndpointSubset s : subsets) {
            List<EndpointAddress> list = cutReady ? s.getAddresses() : s.getNotReadyAddresses();
            int share = (int) Math.ceil((double) list.size() / total * max);
            int keep = Math.min(Math.min(share, left), list.size());
            List<EndpointAddress> kept = new ArrayList<>(list.subList(0, keep));
            if (cutReady) {
                s.setAddresses(kept);
                s.setNotReadyAddresses(new ArrayList<>());
            } else {
                s.setNotReadyAddresses(kept);
            }
            left -= keep;
        }
        return true;
    }
}

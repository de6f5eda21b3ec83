package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The pieces of an EndpointSlice as kube's endpointslice reconciler builds them from a Service and its pods:
 * the address types of the Service, a pod's endpoint (addresses of the type, conditions ready, serving and
 * terminating, targetRef, nodeName, the node's zone, hostname) and ports, the keys that tell endpoints and
 * port sets apart, the labels and a new slice ({@code generateName} "&lt;service&gt;-", owned by the Service).
 */
final class SliceEndpoints {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGER = "endpointslice-controller.k8s.io";
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private SliceEndpoints() {
    }

    /** kube's getAddressTypesForService: the Service's IP families, else its cluster IP's, else both. */
    static Set<String> addressTypes(Service svc) {
        Set<String> types = new LinkedHashSet<>();
        for (String family : svc.getSpec().getIpFamilies() == null ? List.<String>of() : svc.getSpec().getIpFamilies()) {
            if ("IPv4".equals(family) || "IPv6".equals(family)) {
                types.add(family);
            }
        }
        if (!types.isEmpty()) {
            return types;
        }
        if (ServicePods.hasClusterIp(svc)) {
            return Set.of(ServicePods.isIpv6(svc.getSpec().getClusterIP()) ? "IPv6" : "IPv4");
        }
        return new LinkedHashSet<>(List.of("IPv4", "IPv6"));
    }

    /** kube's podToEndpoint. */
    static Endpoint endpoint(Pod pod, Node node, Service svc, String addressType) {
        boolean serving = ServicePods.ready(pod);
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        boolean ready = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses()) || (serving && !terminating);
        Endpoint ep = new Endpoint();
        ep.setAddresses(new ArrayList<>(ServicePods.ips(pod).stream()
                .filter(ip -> ServicePods.isIpv6(ip) == "IPv6".equals(addressType)).toList()));
        EndpointConditions conditions = new EndpointConditions();
        conditions.setReady(ready);
        conditions.setServing(serving);
        conditions.setTerminating(terminating);
        ep.setConditions(conditions);
        ObjectReference ref = new ObjectReference();
        ref.setKind("Pod");
        ref.setNamespace(pod.getMetadata().getNamespace());
        ref.setName(pod.getMetadata().getName());
        ref.setUid(pod.getMetadata().getUid());
        ep.setTargetRef(ref);
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName != null && !nodeName.isEmpty()) {
            ep.setNodeName(nodeName);
        }
        String zone = node == null ? null : ServicePods.orEmpty(node.getMetadata().getLabels()).get(ZONE_LABEL);
        if (zone != null && !zone.isEmpty()) {
            ep.setZone(zone);
        }
        if (ServicePods.publishesHostname(pod, svc)) {
            ep.setHostname(pod.getSpec().getHostname());
        }
        return ep;
    }

    /** kube's getEndpointPorts: each service port the pod has, by the service port's name and protocol. */
    static List<EndpointPort> ports(Service svc, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : svc.getSpec().getPorts()) {
            OptionalInt number = ServicePods.findPort(pod, sp);
            if (number.isEmpty()) {
                continue;
            }
            EndpointPort port = new EndpointPort();
            port.setName(sp.getName() == null ? "" : sp.getName());
            port.setPort(number.getAsInt());
            port.setProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol());
            port.setAppProtocol(sp.getAppProtocol());
            ports.add(port);
        }
        return ports;
    }

    /** What tells one set of ports from another, whatever their order. */
    static String portsKey(List<EndpointPort> ports) {
        return (ports == null ? List.<EndpointPort>of() : ports).stream()
                .map(p -> Objects.toString(p.getName(), "") + ":" + p.getPort() + "/" + Objects.toString(p.getProtocol(), "TCP")
                        + "/" + Objects.toString(p.getAppProtocol(), ""))
                .sorted().toList().toString();
    }

    /** kube's endpoint hash: its addresses, hostname and target's namespace and name. */
    static String key(Endpoint ep) {
        List<String> addresses = ep.getAddresses() == null ? List.of() : ep.getAddresses().stream().sorted().toList();
        ObjectReference ref = ep.getTargetRef();
        return addresses + "|" + Objects.toString(ep.getHostname(), "") + "|"
                + (ref == null ? "" : ref.getNamespace() + "/" + ref.getName());
    }

    /** kube's EndpointsEqualBeyondHash: node, zone, conditions and target (its resourceVersion aside). */
    static boolean sameBeyondKey(Endpoint a, Endpoint b) {
        EndpointConditions ca = a.getConditions() == null ? new EndpointConditions() : a.getConditions();
        EndpointConditions cb = b.getConditions() == null ? new EndpointConditions() : b.getConditions();
        return Objects.equals(a.getNodeName(), b.getNodeName()) && Objects.equals(a.getZone(), b.getZone())
                && Objects.equals(ca.getReady(), cb.getReady()) && Objects.equals(ca.getServing(), cb.getServing())
                && Objects.equals(ca.getTerminating(), cb.getTerminating()) && sameTarget(a.getTargetRef(), b.getTargetRef());
    }

    private static boolean sameTarget(ObjectReference a, ObjectReference b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.getKind(), b.getKind()) && Objects.equals(a.getNamespace(), b.getNamespace())
                && Objects.equals(a.getName(), b.getName()) && Objects.equals(a.getUid(), b.getUid())
                && Objects.equals(a.getApiVersion(), b.getApiVersion()) && Objects.equals(a.getFieldPath(), b.getFieldPath());
    }

    /**
     * kube's setEndpointSliceLabels: the Service's labels (the reserved ones aside), the headless label without
     * a cluster IP, the service name and the manager.
     */
    static Map<String, String> labels(Service svc) {
        Map<String, String> labels = withoutReserved(svc.getMetadata().getLabels());
        if (!ServicePods.hasClusterIp(svc)) {
            labels.put(ServicePods.HEADLESS_LABEL, "");
        }
        labels.put(SERVICE_NAME_LABEL, svc.getMetadata().getName());
        labels.put(MANAGED_BY_LABEL, MANAGER);
        return labels;
    }

    /** Whether the slice's own labels (the reserved ones aside) differ from the Service's. */
    static boolean labelsDiffer(EndpointSlice slice, Service svc) {
        return !withoutReserved(slice.getMetadata().getLabels()).equals(withoutReserved(svc.getMetadata().getLabels()));
    }

    private static Map<String, String> withoutReserved(Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>(ServicePods.orEmpty(labels));
        out.remove(SERVICE_NAME_LABEL);
        out.remove(MANAGED_BY_LABEL);
        out.remove(ServicePods.HEADLESS_LABEL);
        return out;
    }

    /** kube's newEndpointSlice: empty, owned by the Service, named after it by the server. */
    static EndpointSlice newSlice(Service svc, List<EndpointPort> ports, String addressType) {
        EndpointSlice slice = new EndpointSlice();
        ObjectMeta meta = new ObjectMeta();
        String prefix = svc.getMetadata().getName() + "-";
        meta.setGenerateName(prefix.length() > 253 ? svc.getMetadata().getName() : prefix);
        meta.setNamespace(svc.getMetadata().getNamespace());
        meta.setOwnerReferences(new ArrayList<>(List.of(owner(svc))));
        meta.setLabels(labels(svc));
        slice.setMetadata(meta);
        slice.setAddressType(addressType);
        slice.setPorts(new ArrayList<>(ports));
        slice.setEndpoints(new ArrayList<>());
        return slice;
    }

    static OwnerReference owner(Service svc) {
        OwnerReference ref = new OwnerReference();
        ref.setApiVersion("v1");
        ref.setKind("Service");
        ref.setName(svc.getMetadata().getName());
        ref.setUid(svc.getMetadata().getUid());
        ref.setController(true);
        ref.setBlockOwnerDeletion(true);
        return ref;
    }

    /** kube's ownedBy: the slice references the Service (by uid) as a v1 Service. */
    static boolean ownedBy(EndpointSlice slice, Service svc) {
        return slice.getMetadata().getOwnerReferences().stream().anyMatch(o -> Objects.equals(o.getUid(),
                svc.getMetadata().getUid()) && "Service".equals(o.getKind()) && "v1".equals(o.getApiVersion()));
    }
}

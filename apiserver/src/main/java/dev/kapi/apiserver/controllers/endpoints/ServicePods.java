package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the endpoints and EndpointSlice controllers read from Services and Pods, as kube's endpointslice
 * utilities decide it: which Services select a pod, whether a pod belongs in the endpoints at all (not
 * terminal, has an IP, terminating only when asked for), whether it is ready (its Ready condition True),
 * the port a service port targets in it (a number as is, a name looked up among the container ports and the
 * sidecars'), and whether its hostname is published (its subdomain is the Service's name).
 */
final class ServicePods {

    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private ServicePods() {
    }

    /** The Service's selector, or null when it selects nothing (none, empty, or an ExternalName Service). */
    static Map<String, String> selector(Service svc) {
        if (svc.getSpec() == null || "ExternalName".equals(svc.getSpec().getType())) {
            return null;
        }
        Map<String, String> selector = svc.getSpec().getSelector();
        return selector == null || selector.isEmpty() ? null : selector;
    }

    /** Whether a selector (as {@link #selector} gives it) matches the labels. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (labels == null || !Objects.equals(labels.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The pods of the namespace that the Service selects. */
    static List<Pod> selected(Service svc, List<Pod> namespacePods) {
        Map<String, String> selector = selector(svc);
        List<Pod> out = new ArrayList<>();
        for (Pod pod : namespacePods) {
            if (matches(selector, pod.getMetadata().getLabels())) {
                out.add(pod);
            }
        }
        return out;
    }

    /** kube's ShouldPodBeInEndpoints: not Succeeded or Failed, has an IP, terminating only if included. */
    static boolean belongs(Pod pod, boolean includeTerminating) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        if (ips(pod).isEmpty()) {
            return false;
        }
        return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
    }

    /** The pod's IPs: {@code status.podIPs}, else {@code status.podIP}. */
    static List<String> ips(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        List<String> ips = new ArrayList<>();
        for (PodIP ip : pod.getStatus().getPodIPs() == null ? List.<PodIP>of() : pod.getStatus().getPodIPs()) {
            if (ip.getIp() != null && !ip.getIp().isEmpty()) {
                ips.add(ip.getIp());
            }
        }
        String single = pod.getStatus().getPodIP();
        if (ips.isEmpty() && single != null && !single.isEmpty()) {
            ips.add(single);
        }
        return ips;
    }

    static boolean isIpv6(String ip) {
        return ip.contains(":");
    }

    /** The pod's Ready condition, or null. */
    static PodCondition readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    static boolean ready(Pod pod) {
        PodCondition c = readyCondition(pod);
        return c != null && "True".equals(c.getStatus());
    }

    /** kube's ShouldSetHostname: the pod has a hostname and its subdomain is the Service, in its namespace. */
    static boolean publishesHostname(Pod pod, Service svc) {
        String hostname = pod.getSpec() == null ? null : pod.getSpec().getHostname();
        return hostname != null && !hostname.isEmpty() && svc.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && Objects.equals(svc.getMetadata().getNamespace(), pod.getMetadata().getNamespace());
    }

    /** kube's FindPort: the port number a service port targets in the pod, if the pod has it. */
    static OptionalInt findPort(Pod pod, ServicePort port) {
        IntOrString target = port.getTargetPort();
        if (target == null) {
            return port.getPort() == null ? OptionalInt.empty() : OptionalInt.of(port.getPort());
        }
        if (target.getStrVal() == null) {
            return target.getIntVal() == null ? OptionalInt.empty() : OptionalInt.of(target.getIntVal());
        }
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        List<Container> candidates = new ArrayList<>(pod.getSpec().getContainers());
        for (Container c : pod.getSpec().getInitContainers()) {
            if ("Always".equals(c.getRestartPolicy())) {
                candidates.add(c); // a sidecar
            }
        }
        for (Container c : candidates) {
            for (ContainerPort p : c.getPorts()) {
                String pp = p.getProtocol() == null ? "TCP" : p.getProtocol();
                if (target.getStrVal().equals(p.getName()) && protocol.equals(pp) && p.getContainerPort() != null) {
                    return OptionalInt.of(p.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** kube's IsServiceIPSet: the Service has a cluster IP (not headless). */
    static boolean hasClusterIp(Service svc) {
        String ip = svc.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }

    static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /** "namespace/name" of the Service. */
    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /**
     * Whether a pod change may change the endpoints of the Services selecting it (kube's podEndpointsChanged,
     * plus the phase and node, which kube's kubelet never changes without the readiness).
     */
    static boolean endpointsMayDiffer(Pod old, Pod pod) {
        return !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())
                || !Objects.equals(old.getMetadata().getDeletionTimestamp(), pod.getMetadata().getDeletionTimestamp())
                || ready(old) != ready(pod) || !ips(old).equals(ips(pod))
                || !Objects.equals(phase(old), phase(pod))
                || !Objects.equals(old.getSpec().getHostname(), pod.getSpec().getHostname())
                || !Objects.equals(old.getSpec().getSubdomain(), pod.getSpec().getSubdomain())
                || !Objects.equals(old.getSpec().getNodeName(), pod.getSpec().getNodeName());
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    /** A 403 because the namespace is terminating (NamespaceLifecycle): creates there will keep failing. */
    static boolean namespaceTerminating(StatusError e) {
        var details = e.status().getDetails();
        return e.code() == 403 && details != null && details.getCauses() != null
                && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}

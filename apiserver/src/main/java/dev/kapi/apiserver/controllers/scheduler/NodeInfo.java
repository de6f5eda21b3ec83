package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node as a scheduling cycle sees it (kube's {@code framework.NodeInfo}): the Node, the pods bound (or
 * assumed bound) to it, the sum of their requests, of their non-zero requests (the scores' count), and the host
 * ports they hold.
 */
final class NodeInfo {

    /** A host port a pod holds: hostIP ("0.0.0.0" for all), protocol and port. */
    record HostPort(String ip, String protocol, int port) {

        boolean conflicts(HostPort other) {
            return port == other.port && protocol.equals(other.protocol)
                    && (ip.equals(other.ip) || ip.equals(ANY_IP) || other.ip.equals(ANY_IP));
        }
    }

    /**
     * What a bound pod takes from its node: its requests, its non-zero requests, its host ports, and whether it
     * has pod affinity or anti-affinity terms (kube's {@code PodsWithAffinity}).
     */
    record Usage(Map<String, Long> requests, Map<String, Long> nonZeroRequests, List<HostPort> ports,
                 boolean affinity) {

        static Usage of(Pod pod) {
            var a = pod.getSpec().getAffinity();
            return new Usage(Resources.requests(pod.getSpec()), Resources.nonZeroRequests(pod.getSpec()),
                    hostPorts(pod), a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null));
        }
    }

    static final String ANY_IP = "0.0.0.0";

    final Node node;
    final String name;
    final Map<String, String> labels;
    final Map<String, Long> allocatable;
    final List<Pod> pods = new ArrayList<>();
    /** The pods of {@link #pods} with pod affinity or anti-affinity terms. */
    final List<Pod> podsWithAffinity = new ArrayList<>();
    final Map<String, Long> requested = new HashMap<>();
    final Map<String, Long> nonZeroRequested = new HashMap<>();
    final List<HostPort> usedPorts = new ArrayList<>();

    NodeInfo(Node node) {
        this.node = node;
        this.name = node.getMetadata().getName();
        this.labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        this.allocatable = Resources.of(node.getStatus() == null ? null : node.getStatus().getAllocatable());
    }

    void add(Pod pod, Usage usage) {
        pods.add(pod);
        if (usage.affinity()) {
            podsWithAffinity.add(pod);
        }
        Resources.add(requested, usage.requests());
        Resources.add(nonZeroRequested, usage.nonZeroRequests());
        usedPorts.addAll(usage.ports());
    }

    long allocatable(String resource) {
        return allocatable.getOrDefault(resource, 0L);
    }

    /** The host ports of the pod's containers and sidecar init containers (kube's {@code GetContainerPorts}). */
    static List<HostPort> hostPorts(Pod pod) {
        List<Container> containers = new ArrayList<>(Resources.list(pod.getSpec().getContainers()));
        Resources.list(pod.getSpec().getInitContainers()).stream()
                .filter(c -> "Always".equals(c.getRestartPolicy())).forEach(containers::add);
        List<HostPort> out = new ArrayList<>();
        for (Container c : containers) {
            for (ContainerPort p : Resources.list(c.getPorts())) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? ANY_IP : p.getHostIP();
                    String protocol = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
                    out.add(new HostPort(ip, protocol, p.getHostPort()));
                }
            }
        }
        return out;
    }
}

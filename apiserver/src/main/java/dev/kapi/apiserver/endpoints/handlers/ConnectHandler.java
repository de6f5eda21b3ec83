package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.StoreRegistry;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The connect subresources that kube-apiserver hands to a kubelet (kube's pod {@code LogREST}, {@code ExecREST},
 * {@code AttachREST}, {@code PortForwardREST}, {@code ProxyREST} and the node and service proxies). This server
 * runs no kubelets and connects to none, so it answers what kube answers before it would dial one: NotFound for a
 * missing pod or node, kube's BadRequest for a bad container or a pod with no host assigned, an empty log for
 * such a pod (kube's empty location), and for a pod on a node the error kube gives when the kubelet cannot be
 * dialled, saying why. A pod on a simulated node (its Node annotated {@code kapi.dev/simulated-node: "true"})
 * gets {@link SimulatedPodStreams}' answers instead: a simulated log; exec and attach over WebSocket get
 * {@link SimulatedExec}'s simulated output, over SPDY (and portforward) a 400.
 */
public final class ConnectHandler implements VerbHandler {

    private final StoreRegistry stores;

    public ConnectHandler(StoreRegistry stores) {
        this.stores = stores;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        String sub = scope.subresource();
        String target = sub.equals("proxy") ? proxiedName(scope.name(), scope.definition().resource()) : scope.name();
        HasMetadata obj = scope.store().get(scope.namespace(), target);
        if (obj instanceof Node node) {
            throw unreachable(node.getMetadata().getName());
        }
        if (!(obj instanceof Pod pod)) {
            // services/proxy: kube picks one ready endpoint of the service (503 when there is none) and dials it
            if (!hasReadyEndpoint(scope.namespace(), target)) {
                throw StatusError.serviceUnavailable("no endpoints available for service \"" + scope.name() + "\"");
            }
            throw StatusError.serviceUnavailable("error trying to reach service: this server does not proxy to "
                    + "services");
        }
        String name = pod.getMetadata().getName();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        if (sub.equals("proxy")) {
            // kube's pod ResourceLocation: only a pod IP that is global unicast is proxied to
            if (!globalUnicast(pod.getStatus() == null ? null : pod.getStatus().getPodIP())) {
                throw StatusError.badRequest("address not allowed");
            }
            throw StatusError.serviceUnavailable("error trying to reach pod " + name
                    + ": this server does not proxy to pods");
        }
        if (!sub.equals("portforward")) {
            validateContainer(scope.param("container"), name, spec);
        }
        String node = spec.getNodeName();
        if (node == null || node.isEmpty()) {
            if (sub.equals("log")) {
                // kube's LogLocation gives no location for a pod without a host: an empty log
                scope.response().setStatus(200);
                scope.response().setContentType("text/plain");
                scope.response().flushBuffer();
                return;
            }
            throw StatusError.badRequest("pod " + name + " does not have a host assigned");
        }
        Node bound = stores.find("", "v1", "nodes", Node.class).orElseThrow(() -> unreachable(node)).get(null, node);
        if (SimulatedPodStreams.isSimulated(bound)) {
            if (sub.equals("log")) {
                SimulatedPodStreams.log(scope, pod, scope.param("container"));
                return;
            }
            if (!sub.equals("portforward") && WebSocketHandshake.requested(scope.request())) {
                String container = scope.param("container");
                SimulatedExec.serve(scope, pod, container == null || container.isEmpty()
                        ? spec.getContainers().getFirst().getName() : container, node);
                return;
            }
            throw SimulatedPodStreams.noProcesses(sub, pod, node);
        }
        throw unreachable(node);
    }

    /**
     * The object a proxy request names, as kube's {@code SplitSchemeNamePort} reads it: {@code name},
     * {@code name:port} or {@code scheme:name:port} (scheme empty, http or https); otherwise kube's 400.
     */
    static String proxiedName(String id, String resource) {
        String[] parts = id.split(":", -1);
        String name = switch (parts.length) {
            case 1, 2 -> parts[0];
            case 3 -> parts[0].isEmpty() || parts[0].equals("http") || parts[0].equals("https") ? parts[1] : "";
            default -> "";
        };
        if (name.isEmpty()) {
            String kind = switch (resource) {
                case "pods" -> "pod";
                case "services" -> "service";
                default -> "node";
            };
            throw StatusError.badRequest("invalid " + kind + " request \"" + id + "\"");
        }
        return name;
    }

    /**
     * kube's answer when the kubelet cannot be dialled (a plain error: 500 with no reason), here because this
     * server never connects to kubelets.
     */
    /** Whether the service's Endpoints name a ready address (what kube's service ResourceLocation picks from). */
    private boolean hasReadyEndpoint(String namespace, String service) {
        try {
            Endpoints endpoints = stores.find("", "v1", "endpoints", Endpoints.class).orElseThrow()
                    .get(namespace, service);
            return endpoints.getSubsets() != null && endpoints.getSubsets().stream()
                    .anyMatch(s -> s.getAddresses() != null && !s.getAddresses().isEmpty());
        } catch (StatusError | NoSuchElementException e) {
            return false;
        }
    }

    private static StatusError unreachable(String node) {
        return StatusError.failure(500, "error dialing backend: no kubelet is reachable for node \"" + node
                + "\": this server does not connect to kubelets");
    }

    private static boolean globalUnicast(String ip) {
        if (ip == null || ip.isEmpty() || !ip.matches("[0-9a-fA-F:.]+")) {
            return false; // a literal address only: never a name to look up
        }
        try {
            InetAddress a = InetAddress.getByName(ip);
            return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress()
                    || a.isMulticastAddress() || ip.equals("255.255.255.255"));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** kube's {@code validateContainer}: a named container must exist; none named picks the only one. */
    private static void validateContainer(String container, String pod, PodSpec spec) {
        List<String> names = new ArrayList<>();
        for (Container c : nullToEmpty(spec.getInitContainers())) {
            names.add(c.getName());
        }
        for (Container c : nullToEmpty(spec.getContainers())) {
            names.add(c.getName());
        }
        for (EphemeralContainer c : nullToEmpty(spec.getEphemeralContainers())) {
            names.add(c.getName());
        }
        if (container == null || container.isEmpty()) {
            int count = nullToEmpty(spec.getContainers()).size();
            if (count == 0) {
                throw StatusError.badRequest("a container name must be specified for pod " + pod);
            }
            if (count > 1) {
                throw StatusError.badRequest("a container name must be specified for pod " + pod
                        + ", choose one of: [" + String.join(" ", names) + "]");
            }
        } else if (!names.contains(container)) {
            throw StatusError.badRequest("container " + container + " is not valid for pod " + pod);
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}

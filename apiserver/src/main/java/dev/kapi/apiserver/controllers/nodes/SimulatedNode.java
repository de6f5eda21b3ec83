package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulated node looks like, after kwok's fake nodes (its {@code node-initialize} stage) in Kapi's
 * spelling: Node {@code kapi-node-<i>} annotated {@code kapi.dev/simulated-node: "true"} and labelled
 * {@code type=kapi} (kwok's {@code type=kwok}), with the labels, capacity, addresses, nodeInfo and conditions a
 * kubelet reports, and the identity a kubelet writes as ({@code system:node:<name>} in {@code system:nodes}).
 *
 * <p>Node {@code i} (at most {@link SimulatedNodesControllers#MAX_NODES}) has InternalIP
 * {@code 10.0.<i/254>.<i%254+1>} and pod CIDR {@code 10.<244+i/256>.<i%256>.0/24} (kube's customary
 * {@code 10.244.0.0/16} for the first 256 nodes).
 */
public final class SimulatedNode {

    /** The annotation that marks a node as simulated; the connect subresources read it too. */
    public static final String ANNOTATION = "kapi.dev/simulated-node";
    static final String TYPE_LABEL = "type";
    static final String TYPE = "kapi";
    static final String NAME_PREFIX = "kapi-node-";
    /** The kubelet version the simulated nodes report (the server's version, as a kubelet of its release). */
    static final String KUBELET_VERSION = "v1.32.0-kapi";
    static final int KUBELET_PORT = 10250;
    /** The conditions a healthy kubelet reports, in its order. */
    static final List<Condition> CONDITIONS = List.of(
            new Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            new Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            new Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            new Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"));

    /** One node condition as the kubelet's setters write it. */
    record Condition(String type, String status, String reason, String message) {
    }

    private SimulatedNode() {
    }

    static String name(int index) {
        return NAME_PREFIX + index;
    }

    /** The user a kubelet writes its node, lease and pod statuses as. */
    static UserInfo user(String nodeName) {
        return new UserInfo("system:node:" + nodeName, "", List.of("system:nodes", "system:authenticated"), Map.of());
    }

    /** A write of the node's kubelet: its user, named {@code kubelet} in managedFields as kube's kubelet is. */
    static <T extends HasMetadata> WriteScope<T> scope(Store<T> store, String namespace, String nodeName) {
        return new WriteScope<>(store, namespace, null, user(nodeName), "kubelet", null);
    }

    /** True when the node carries {@link #ANNOTATION}{@code : "true"}. */
    public static boolean isSimulated(Node node) {
        Map<String, String> annotations = node == null ? null : node.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(ANNOTATION));
    }

    static String internalIp(int index) {
        return "10.0." + (index / 254) + "." + (index % 254 + 1);
    }

    static String podCidr(int index) {
        return "10." + (244 + index / 256) + "." + (index % 256) + ".0/24";
    }

    /** Node {@code index} as its kubelet registers it, with the status observed at {@code now}. */
    static Node registration(int index, Instant now) {
        String name = name(index);
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels(name))
                .withAnnotations(annotations()).endMetadata()
                .withNewSpec().withPodCIDR(podCidr(index)).withPodCIDRs(podCidr(index)).endSpec()
                .withStatus(status(index, null, now)).build();
    }

    /**
     * The node found at registration with the kubelet's labels and annotations put back (the kubelet's
     * {@code reconcileExistingNode}: its default labels win), the others kept; null when nothing changes.
     */
    static Node reconciled(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(node.getMetadata().getLabels());
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(node.getMetadata().getAnnotations());
        Map<String, String> wantLabels = labels(node.getMetadata().getName());
        wantLabels.remove("node-role.kubernetes.io/agent"); // a role label is the user's to remove
        if (labels.entrySet().containsAll(wantLabels.entrySet())
                && annotations.entrySet().containsAll(annotations().entrySet())) {
            return null;
        }
        labels.putAll(wantLabels);
        annotations.putAll(annotations());
        node.getMetadata().setLabels(labels);
        node.getMetadata().setAnnotations(annotations);
        return node;
    }

    private static Map<String, String> labels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("node-role.kubernetes.io/agent", "");
        labels.put(TYPE_LABEL, TYPE);
        return labels;
    }

    private static Map<String, String> annotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION, "true");
        annotations.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        return annotations;
    }

    /**
     * The status node {@code index} reports at {@code now}: every condition's heartbeat now, its transition
     * time kept from {@code previous} when its status did not change (as the kubelet's setters do).
     */
    static NodeStatus status(int index, NodeStatus previous, Instant now) {
        String at = now.toString();
        List<NodeCondition> conditions = new ArrayList<>();
        for (Condition c : CONDITIONS) {
            String transition = at;
            for (NodeCondition old : previous == null || previous.getConditions() == null
                    ? List.<NodeCondition>of() : previous.getConditions()) {
                if (c.type().equals(old.getType()) && c.status().equals(old.getStatus())
                        && old.getLastTransitionTime() != null) {
                    transition = old.getLastTransitionTime();
                }
            }
            conditions.add(new NodeConditionBuilder().withType(c.type()).withStatus(c.status()).withReason(c.reason())
                    .withMessage(c.message()).withLastHeartbeatTime(at).withLastTransitionTime(transition).build());
        }
        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", new Quantity("32"));
        resources.put("memory", new Quantity("256Gi"));
        resources.put("pods", new Quantity("110"));
        return new NodeStatusBuilder()
                .withAddresses(new NodeAddress(internalIp(index), "InternalIP"), new NodeAddress(name(index), "Hostname"))
                .withCapacity(resources).withAllocatable(new LinkedHashMap<>(resources))
                .withConditions(conditions)
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(KUBELET_PORT).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withNewNodeInfo().withArchitecture("amd64").withOperatingSystem("linux")
                .withKubeletVersion(KUBELET_VERSION).withKubeProxyVersion(KUBELET_VERSION)
                .withContainerRuntimeVersion("kapi://" + KUBELET_VERSION).withKernelVersion(KUBELET_VERSION)
                .withOsImage("Kapi simulated node").withMachineID(name(index)).withSystemUUID(name(index))
                .withBootID(name(index)).endNodeInfo()
                .withPhase(previous == null ? null : previous.getPhase())
                .withImages(previous == null ? null : previous.getImages())
                .withVolumesAttached(previous == null ? null : previous.getVolumesAttached())
                .withVolumesInUse(previous == null ? null : previous.getVolumesInUse())
                .build();
    }

    /** The InternalIP of a node (null when it reports none). */
    static String internalIp(Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return null;
        }
        return node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress).findFirst().orElse(null);
    }
}

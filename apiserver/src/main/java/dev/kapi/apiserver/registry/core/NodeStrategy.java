package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/** Nodes: field selector {@code spec.unschedulable} and the {@code kubectl get nodes} columns. */
public final class NodeStrategy implements ResourceStrategy<Node> {

    /** A kubelet registers its node with the status it observed. */
    @Override
    public boolean resetsStatusOnCreate() {
        return false;
    }

    @Override
    public Map<String, String> selectableFields(Node node) {
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        return Map.of("spec.unschedulable", String.valueOf(unschedulable));
    }

    @Override
    public List<TableColumn<Node>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Status", "string", "The status of the node", NodeStrategy::status),
                TableColumn.of("Roles", "string", "The roles of the node", NodeStrategy::roles),
                TableColumn.ageColumn(),
                TableColumn.of("Version", "string", "Kubelet Version reported by the node.",
                        info(NodeSystemInfo::getKubeletVersion)),
                TableColumn.wide("Internal-IP", "string", "List of addresses reachable to the node.",
                        n -> address(n, "InternalIP")),
                TableColumn.wide("External-IP", "string", "List of addresses reachable to the node.",
                        n -> address(n, "ExternalIP")),
                TableColumn.wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release "
                        + "(e.g. Debian GNU/Linux 7 (wheezy)).", info(NodeSystemInfo::getOsImage)),
                TableColumn.wide("Kernel-Version", "string", "Kernel Version reported by the node from "
                        + "'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", info(NodeSystemInfo::getKernelVersion)),
                TableColumn.wide("Container-Runtime", "string", "ContainerRuntime Version reported by the node "
                        + "through runtime remote API (e.g. containerd://1.4.2).", info(NodeSystemInfo::getContainerRuntimeVersion)));
    }

    static String status(Node node) {
        String status = "Unknown";
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        for (NodeCondition c : conditions) {
            if ("Ready".equals(c.getType())) {
                status = "True".equals(c.getStatus()) ? "Ready" : "NotReady";
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            status += ",SchedulingDisabled";
        }
        return status;
    }

    /** Roles from {@code node-role.kubernetes.io/<role>} and {@code kubernetes.io/role} labels. */
    static String roles(Node node) {
        TreeSet<String> roles = new TreeSet<>();
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        labels.forEach((k, v) -> {
            if (k.startsWith("node-role.kubernetes.io/") && k.length() > "node-role.kubernetes.io/".length()) {
                roles.add(k.substring("node-role.kubernetes.io/".length()));
            } else if (k.equals("kubernetes.io/role") && !v.isEmpty()) {
                roles.add(v);
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String address(Node node, String type) {
        List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null
                ? List.of() : node.getStatus().getAddresses();
        return addresses.stream().filter(a -> type.equals(a.getType())).map(NodeAddress::getAddress).findFirst().orElse("<none>");
    }

    private static Function<Node, Object> info(Function<NodeSystemInfo, String> f) {
        return n -> n.getStatus() == null || n.getStatus().getNodeInfo() == null ? ""
                : (f.apply(n.getStatus().getNodeInfo()) == null ? "" : f.apply(n.getStatus().getNodeInfo()));
    }
}

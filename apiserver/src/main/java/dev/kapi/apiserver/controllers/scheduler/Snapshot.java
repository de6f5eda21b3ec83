package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The cluster as one scheduling cycle sees it (kube's scheduler cache snapshot): every node with the pods on
 * it, and the labels of namespaces (for the namespaceSelector of pod affinity terms). Pods bound to a node the
 * scheduler does not know are left out, as kube's snapshot leaves them.
 */
final class Snapshot {

    final List<NodeInfo> nodes;
    private final Function<String, Map<String, String>> namespaceLabels;

    private Snapshot(List<NodeInfo> nodes, Function<String, Map<String, String>> namespaceLabels) {
        this.nodes = nodes;
        this.namespaceLabels = namespaceLabels;
    }

    /** @param boundPods the pods on nodes that are not terminated, the assumed ones included */
    static Snapshot of(Collection<Node> nodes, Collection<Pod> boundPods,
                       Function<String, Map<String, String>> namespaceLabels) {
        Map<String, NodeInfo> byName = new LinkedHashMap<>();
        nodes.stream().sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .forEach(n -> byName.put(n.getMetadata().getName(), new NodeInfo(n)));
        for (Pod pod : boundPods) {
            NodeInfo info = byName.get(pod.getSpec().getNodeName());
            if (info != null) {
                info.add(pod);
            }
        }
        return new Snapshot(List.copyOf(byName.values()), namespaceLabels);
    }

    /** The labels of a namespace (empty when it is not known). */
    Map<String, String> namespaceLabels(String namespace) {
        Map<String, String> labels = namespaceLabels.apply(namespace);
        return labels == null ? Map.of() : labels;
    }
}

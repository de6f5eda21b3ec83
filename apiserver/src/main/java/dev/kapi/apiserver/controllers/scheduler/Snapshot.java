package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The cluster as one scheduling cycle sees it (kube's scheduler cache snapshot): every node with the pods on
 * it, the labels of namespaces (for the namespaceSelector of pod affinity terms) and the selectors of kube's
 * default spreading. Pods bound to a node the
 * scheduler does not know are left out, as kube's snapshot leaves them.
 */
final class Snapshot {

    final List<NodeInfo> nodes;
    private final Function<String, Map<String, String>> namespaceLabels;
    private final Function<Pod, Predicate<Map<String, String>>> spreadSelector;

    private Snapshot(List<NodeInfo> nodes, Function<String, Map<String, String>> namespaceLabels,
                     Function<Pod, Predicate<Map<String, String>>> spreadSelector) {
        this.nodes = nodes;
        this.namespaceLabels = namespaceLabels;
        this.spreadSelector = spreadSelector;
    }

    /**
     * @param nodes          every known node with the pods on it ({@link SchedulerCache#nodeInfos})
     * @param spreadSelector the selector of a pod's default spreading ({@link SpreadSelectors}), null for none
     */
    static Snapshot of(List<NodeInfo> nodes, Function<String, Map<String, String>> namespaceLabels,
                       Function<Pod, Predicate<Map<String, String>>> spreadSelector) {
        return new Snapshot(nodes, namespaceLabels, spreadSelector);
    }

    /** The labels kube's default spreading counts for the pod, or null when no Service or controller selects it. */
    Predicate<Map<String, String>> spreadSelector(Pod pod) {
        return spreadSelector.apply(pod);
    }

    /** The labels of a namespace (empty when it is not known). */
    Map<String, String> namespaceLabels(String namespace) {
        Map<String, String> labels = namespaceLabels.apply(namespace);
        return labels == null ? Map.of() : labels;
    }
}

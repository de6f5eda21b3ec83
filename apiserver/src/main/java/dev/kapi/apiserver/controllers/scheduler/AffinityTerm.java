package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A pod affinity or anti-affinity term as kube's {@code framework.AffinityTerm}: the pods it selects are those
 * its label selector matches in its namespaces (the listed ones, those the namespaceSelector matches, or the
 * owning pod's own namespace when neither is set), counted per value of its topology key on their nodes.
 */
record AffinityTerm(LabelSelector selector, Set<String> namespaces, LabelSelector namespaceSelector,
                    String topologyKey, long weight) {

    static AffinityTerm of(PodAffinityTerm term, Pod owner, long weight) {
        Set<String> namespaces = new HashSet<>(Resources.list(term.getNamespaces()));
        LabelSelector nsSelector = term.getNamespaceSelector() == null ? null
                : LabelSelector.fromObject(term.getNamespaceSelector());
        if (namespaces.isEmpty() && nsSelector == null) {
            namespaces.add(owner.getMetadata().getNamespace());
        }
        return new AffinityTerm(LabelSelector.fromObject(term.getLabelSelector()), namespaces, nsSelector,
                term.getTopologyKey(), weight);
    }

    boolean matches(Pod pod, Snapshot snapshot) {
        String ns = pod.getMetadata().getNamespace();
        boolean inNamespace = namespaces.contains(ns)
                || (namespaceSelector != null && namespaceSelector.matches(snapshot.namespaceLabels(ns)));
        return inNamespace && selector.matches(labels(pod));
    }

    /** The key of the node's domain for this term, or null when the node lacks the topology key. */
    String domain(NodeInfo node) {
        String value = node.labels.get(topologyKey);
        return value == null ? null : pair(topologyKey, value);
    }

    static String pair(String key, String value) {
        return key + "\u0000" + value;
    }

    static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }
}

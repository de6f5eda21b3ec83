package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;

import java.util.List;
import java.util.Map;

/**
 * kube's NodeAffinity plugin (and {@code component-helpers/scheduling/corev1/nodeaffinity}): spec.nodeSelector
 * and the required node selector terms (OR of terms, AND within one; an empty term matches nothing) with label
 * operators In, NotIn, Exists, DoesNotExist, Gt, Lt and the field {@code metadata.name} (In, NotIn); the score
 * is the sum of the weights of the preferred terms the node matches.
 */
final class NodeAffinity {

    static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    private NodeAffinity() {
    }

    static Filter filter(Pod pod) {
        return node -> requiredMatches(pod, node.node) ? List.of() : Filter.unresolvable(REASON);
    }

    /** kube's {@code GetRequiredNodeAffinity(pod).Match(node)}. */
    static boolean requiredMatches(Pod pod, Node node) {
        Map<String, String> labels = labels(node);
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null) {
            for (Map.Entry<String, String> e : selector.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        NodeSelector required = pod.getSpec().getAffinity() == null
                || pod.getSpec().getAffinity().getNodeAffinity() == null ? null
                : pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null) {
            return true;
        }
        return Resources.list(required.getNodeSelectorTerms()).stream().anyMatch(t -> termMatches(t, node));
    }

    static boolean termMatches(NodeSelectorTerm term, Node node) {
        List<NodeSelectorRequirement> exprs = Resources.list(term.getMatchExpressions());
        List<NodeSelectorRequirement> fields = Resources.list(term.getMatchFields());
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false;
        }
        Map<String, String> labels = labels(node);
        Map<String, String> nodeFields = Map.of("metadata.name", node.getMetadata().getName());
        return exprs.stream().allMatch(r -> matches(r, labels, true))
                && fields.stream().allMatch(r -> "metadata.name".equals(r.getKey()) && matches(r, nodeFields, false));
    }

    /** One requirement; fields know only In and NotIn. */
    static boolean matches(NodeSelectorRequirement r, Map<String, String> labels, boolean allOperators) {
        String value = labels.get(r.getKey());
        List<String> values = Resources.list(r.getValues());
        String operator = r.getOperator() == null ? "" : r.getOperator();
        if (!allOperators && !operator.equals("In") && !operator.equals("NotIn")) {
            return false;
        }
        return switch (operator) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> value != null && values.size() == 1 && compare(value, values.get(0), operator);
            default -> false;
        };
    }

    private static boolean compare(String label, String bound, String operator) {
        try {
            long l = Long.parseLong(label);
            long b = Long.parseLong(bound);
            return operator.equals("Gt") ? l > b : l < b;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The preferred terms' score before normalizing: the weights of the terms the node matches. */
    static long preferredScore(Pod pod, NodeInfo node) {
        if (pod.getSpec().getAffinity() == null || pod.getSpec().getAffinity().getNodeAffinity() == null) {
            return 0;
        }
        long score = 0;
        for (PreferredSchedulingTerm t : Resources.list(pod.getSpec().getAffinity().getNodeAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())) {
            if (t.getWeight() != null && t.getWeight() != 0 && t.getPreference() != null
                    && termMatches(t.getPreference(), node.node)) {
                score += t.getWeight();
            }
        }
        return score;
    }

    static Map<String, String> labels(Node node) {
        return node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    }
}

package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A DaemonSet's pods and nodes (kube's {@code daemon/util} and {@code NodeShouldRunDaemonPod}): the template
 * with the {@code controller-revision-hash} and {@code pod-template-generation} labels and kube's daemon
 * tolerations (not-ready and unreachable NoExecute; disk, memory and pid pressure and unschedulable NoSchedule;
 * network-unavailable for host-network pods); a pod bound to its node through required node affinity on
 * {@code metadata.name} (kube since 1.12, so that the scheduler places it); whether a node should run the
 * pod (its nodeSelector matches and it tolerates the node's NoSchedule and NoExecute taints) or may keep a
 * running one (NoExecute taints only). The template's own required node affinity is not evaluated.
 */
final class DaemonSetPods {

    static final String GENERATION_LABEL = "pod-template-generation";

    private DaemonSetPods() {
    }

    static PodTemplateSpec template(DaemonSet ds, String hash) {
        PodTemplateSpec t = new PodTemplateSpecBuilder(ds.getSpec().getTemplate()).build();
        Map<String, String> labels = t.getMetadata().getLabels() == null ? new HashMap<>()
                : new HashMap<>(t.getMetadata().getLabels());
        labels.put(ControllerHistory.LABEL, hash);
        if (ds.getMetadata().getGeneration() != null) {
            labels.put(GENERATION_LABEL, String.valueOf(ds.getMetadata().getGeneration()));
        }
        t.getMetadata().setLabels(labels);
        List<Toleration> tolerations = t.getSpec().getTolerations() == null ? new ArrayList<>()
                : new ArrayList<>(t.getSpec().getTolerations());
        add(tolerations, "node.kubernetes.io/not-ready", "NoExecute");
        add(tolerations, "node.kubernetes.io/unreachable", "NoExecute");
        add(tolerations, "node.kubernetes.io/disk-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/memory-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/pid-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/unschedulable", "NoSchedule");
        if (Boolean.TRUE.equals(t.getSpec().getHostNetwork())) {
            add(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
        }
        t.getSpec().setTolerations(tolerations);
        return t;
    }

    private static void add(List<Toleration> tolerations, String key, String effect) {
        tolerations.removeIf(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()));
        Toleration t = new Toleration();
        t.setKey(key);
        t.setOperator("Exists");
        t.setEffect(effect);
        tolerations.add(t);
    }

    /** kube's {@code ReplaceDaemonSetPodNodeNameNodeAffinity}: the one required term names the node. */
    static void bindTo(Pod pod, String node) {
        NodeSelectorRequirement req = new NodeSelectorRequirement("metadata.name", "In", List.of(node));
        NodeSelectorTerm term = new NodeSelectorTerm();
        term.setMatchFields(List.of(req));
        Affinity affinity = pod.getSpec().getAffinity() == null ? new Affinity() : pod.getSpec().getAffinity();
        NodeAffinity nodeAffinity = affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
        nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(List.of(term)));
        affinity.setNodeAffinity(nodeAffinity);
        pod.getSpec().setAffinity(affinity);
    }

    /** kube's {@code GetTargetNodeName}: spec.nodeName, else the node its affinity names; null when neither. */
    static String targetNode(Pod pod) {
        if (pod.getSpec() == null) {
            return null;
        }
        if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
            return pod.getSpec().getNodeName();
        }
        var a = pod.getSpec().getAffinity();
        if (a == null || a.getNodeAffinity() == null
                || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return null;
        }
        for (NodeSelectorTerm term : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()) {
            if (term.getMatchFields() != null) {
                for (NodeSelectorRequirement r : term.getMatchFields()) {
                    if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator())
                            && r.getValues() != null && r.getValues().size() == 1) {
                        return r.getValues().get(0);
                    }
                }
            }
        }
        return null;
    }

    /** Whether a new daemon pod belongs on the node. */
    static boolean shouldRun(PodTemplateSpec template, Node node) {
        Map<String, String> selector = template.getSpec().getNodeSelector();
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (selector != null && !labels.entrySet().containsAll(selector.entrySet())) {
            return false;
        }
        String nodeName = template.getSpec().getNodeName();
        if (nodeName != null && !nodeName.isEmpty() && !nodeName.equals(node.getMetadata().getName())) {
            return false;
        }
        return tolerated(template, node, List.of("NoSchedule", "NoExecute"));
    }

    /** Whether a running daemon pod may stay on the node (only NoExecute taints evict it). */
    static boolean shouldContinueRunning(PodTemplateSpec template, Node node) {
        return shouldRun(template, node) || tolerated(template, node, List.of("NoExecute"));
    }

    private static boolean tolerated(PodTemplateSpec template, Node node, List<String> effects) {
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        List<Toleration> tolerations = template.getSpec().getTolerations() == null ? List.of()
                : template.getSpec().getTolerations();
        for (Taint taint : taints) {
            if (effects.contains(taint.getEffect())
                    && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                return false;
            }
        }
        return true;
    }

    /** kube's {@code ToleratesTaint}. */
    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
            return false;
        }
        if ("Exists".equals(t.getOperator())) {
            return true;
        }
        return (t.getKey() != null && !t.getKey().isEmpty())
                && Objects.equals(t.getValue() == null ? "" : t.getValue(), taint.getValue() == null ? "" : taint.getValue());
    }
}

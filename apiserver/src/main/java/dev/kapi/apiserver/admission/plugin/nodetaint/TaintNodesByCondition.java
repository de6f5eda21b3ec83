package dev.kapi.apiserver.admission.plugin.nodetaint;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Taint;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's TaintNodesByCondition: a node is created with the taint {@code node.kubernetes.io/not-ready:NoSchedule}
 * (unless it has a taint of that key and effect already), so nothing is scheduled on it before its node
 * controller sees it ready. Only creates of the node itself; updates and subresources are left alone.
 */
public final class TaintNodesByCondition implements MutatingAdmission {

    public static final String NAME = "TaintNodesByCondition";
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String NO_SCHEDULE = "NoSchedule";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (a.operation() != Operation.CREATE || !a.group().isEmpty() || !a.resource().resource().equals("nodes")
                || !a.mainResource() || !(a.object() instanceof Node node)) {
            return a.object();
        }
        if (node.getSpec() == null) {
            node.setSpec(new NodeSpec());
        }
        List<Taint> taints = node.getSpec().getTaints() == null ? new ArrayList<>()
                : new ArrayList<>(node.getSpec().getTaints());
        boolean present = taints.stream().anyMatch(t -> NOT_READY.equals(t.getKey())
                && NO_SCHEDULE.equals(t.getEffect()));
        if (!present) {
            Taint notReady = new Taint();
            notReady.setKey(NOT_READY);
            notReady.setEffect(NO_SCHEDULE);
            taints.add(notReady);
            node.getSpec().setTaints(taints);
        }
        return node;
    }
}

package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

import java.util.HashMap;
import java.util.List;

/**
 * kube's conversion of a core/v1 ReplicationController to an apps/v1 ReplicaSet and back (its
 * {@code replication.conversion}): the selector map becomes matchLabels, the status fields and conditions
 * carry over one to one.
 */
final class ReplicationControllers {

    private ReplicationControllers() {
    }

    static ReplicaSet asReplicaSet(ReplicationController rc) {
        ReplicaSet rs = new ReplicaSet();
        rs.setApiVersion("apps/v1");
        rs.setKind("ReplicaSet");
        rs.setMetadata(new ObjectMetaBuilder(rc.getMetadata()).build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        if (rc.getSpec() != null) {
            spec.setReplicas(rc.getSpec().getReplicas());
            spec.setMinReadySeconds(rc.getSpec().getMinReadySeconds());
            if (rc.getSpec().getSelector() != null) {
                LabelSelector selector = new LabelSelector();
                selector.setMatchLabels(new HashMap<>(rc.getSpec().getSelector()));
                spec.setSelector(selector);
            }
            if (rc.getSpec().getTemplate() != null) {
                spec.setTemplate(new PodTemplateSpecBuilder(rc.getSpec().getTemplate()).build());
            }
        }
        rs.setSpec(spec);
        ReplicationControllerStatus s = rc.getStatus();
        if (s != null) {
            ReplicaSetStatus status = new ReplicaSetStatus();
            status.setReplicas(s.getReplicas());
            status.setFullyLabeledReplicas(s.getFullyLabeledReplicas());
            status.setReadyReplicas(s.getReadyReplicas());
            status.setAvailableReplicas(s.getAvailableReplicas());
            status.setObservedGeneration(s.getObservedGeneration());
            if (s.getConditions() != null) {
                status.setConditions(s.getConditions().stream().map(c -> new ReplicaSetCondition(
                        c.getLastTransitionTime(), c.getMessage(), c.getReason(), c.getStatus(), c.getType()))
                        .toList());
            }
            rs.setStatus(status);
        }
        return rs;
    }

    static void setStatus(ReplicationController rc, ReplicaSetStatus s) {
        ReplicationControllerStatus status = new ReplicationControllerStatus();
        status.setReplicas(s.getReplicas());
        status.setFullyLabeledReplicas(s.getFullyLabeledReplicas());
        status.setReadyReplicas(s.getReadyReplicas());
        status.setAvailableReplicas(s.getAvailableReplicas());
        status.setObservedGeneration(s.getObservedGeneration());
        List<ReplicaSetCondition> conditions = s.getConditions() == null ? List.of() : s.getConditions();
        status.setConditions(conditions.stream().map(c -> new ReplicationControllerCondition(
                c.getLastTransitionTime(), c.getMessage(), c.getReason(), c.getStatus(), c.getType())).toList());
        rc.setStatus(status);
    }
}

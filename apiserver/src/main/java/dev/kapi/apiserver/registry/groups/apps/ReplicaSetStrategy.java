package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.groups.WorkloadChecks;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** apps/v1 replicasets: replicas default 1, selector/template validation, field selector status.replicas. */
public final class ReplicaSetStrategy implements ResourceStrategy<ReplicaSet> {

    @Override
    public void applyDefaults(ReplicaSet rs) {
        if (spec(rs).getReplicas() == null) {
            spec(rs).setReplicas(1);
        }
        PodSpecDefaults.applyTemplate(spec(rs).getTemplate());
    }

    @Override
    public void prepareForCreate(ReplicaSet rs) {
        if (rs.getStatus() == null) {
            rs.setStatus(new ReplicaSetStatus());
        }
        if (rs.getStatus().getReplicas() == null) {
            rs.getStatus().setReplicas(0);
        }
    }

    @Override
    public List<FieldError> validate(ReplicaSet rs) {
        List<FieldError> errs = new ArrayList<>();
        FieldChecks.nonNegative(spec(rs).getReplicas(), "spec.replicas", errs);
        FieldChecks.nonNegative(spec(rs).getMinReadySeconds(), "spec.minReadySeconds", errs);
        WorkloadChecks.selectorAndTemplate(spec(rs).getSelector(), spec(rs).getTemplate(), "replicaset", errs);
        errs.addAll(PodSpecValidation.restartPolicyAlways(spec(rs).getTemplate(), "spec.template"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ReplicaSet rs, ReplicaSet old) {
        List<FieldError> errs = validate(rs);
        WorkloadChecks.selectorImmutable(spec(rs).getSelector(), spec(old).getSelector(), errs);
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(ReplicaSet rs) {
        return Map.of("status.replicas", String.valueOf(Cells.count(status(rs).getReplicas())));
    }

    @Override
    public List<TableColumn<ReplicaSet>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Desired", "integer",
                        "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.",
                        rs -> Cells.count(spec(rs).getReplicas())),
                TableColumn.of("Current", "integer",
                        "Replicas is the most recently observed number of non-terminating pods.",
                        rs -> Cells.count(status(rs).getReplicas())),
                TableColumn.of("Ready", "integer",
                        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
                        rs -> Cells.count(status(rs).getReadyReplicas())),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        rs -> Cells.containerNames(spec(rs).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        rs -> Cells.images(spec(rs).getTemplate())),
                TableColumn.wide("Selector", "string",
                        "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set.",
                        rs -> LabelSelector.format(spec(rs).getSelector())));
    }

    /** The scale subresource: spec.replicas, status.replicas, the selector string. */
    public static ScaleAccess<ReplicaSet> scale() {
        return new ReplicasScale<>(rs -> spec(rs).getReplicas(), (rs, r) -> spec(rs).setReplicas(r),
                rs -> status(rs).getReplicas(), rs -> spec(rs).getSelector());
    }

    static ReplicaSetSpec spec(ReplicaSet rs) {
        if (rs.getSpec() == null) {
            rs.setSpec(new ReplicaSetSpec());
        }
        return rs.getSpec();
    }

    static ReplicaSetStatus status(ReplicaSet rs) {
        return rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
    }
}

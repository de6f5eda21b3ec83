package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.groups.WorkloadChecks;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * apps/v1 statefulsets: defaults (replicas 1, OrderedReady, RollingUpdate partition 0, history 10, PVC
 * retention Retain/Retain, claim templates Filesystem/Pending), validation, and the rule that an update may
 * change only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, PVC retention policy and
 * minReadySeconds.
 */
public final class StatefulSetStrategy implements ResourceStrategy<StatefulSet> {

    private static final String UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', "
            + "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
            + "and 'minReadySeconds' are forbidden";

    @Override
    public void applyDefaults(StatefulSet sts) {
        StatefulSetSpec spec = spec(sts);
        if (spec.getReplicas() == null) {
            spec.setReplicas(1);
        }
        if (spec.getPodManagementPolicy() == null || spec.getPodManagementPolicy().isEmpty()) {
            spec.setPodManagementPolicy("OrderedReady");
        }
        if (spec.getUpdateStrategy() == null) {
            spec.setUpdateStrategy(new StatefulSetUpdateStrategy());
        }
        StatefulSetUpdateStrategy us = spec.getUpdateStrategy();
        if (us.getType() == null || us.getType().isEmpty()) {
            us.setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(us.getType())) {
            if (us.getRollingUpdate() == null) {
                us.setRollingUpdate(new RollingUpdateStatefulSetStrategy());
            }
            if (us.getRollingUpdate().getPartition() == null) {
                us.getRollingUpdate().setPartition(0);
            }
        }
        if (spec.getRevisionHistoryLimit() == null) {
            spec.setRevisionHistoryLimit(10);
        }
        if (spec.getPersistentVolumeClaimRetentionPolicy() == null) {
            spec.setPersistentVolumeClaimRetentionPolicy(new StatefulSetPersistentVolumeClaimRetentionPolicy());
        }
        var retention = spec.getPersistentVolumeClaimRetentionPolicy();
        if (retention.getWhenDeleted() == null || retention.getWhenDeleted().isEmpty()) {
            retention.setWhenDeleted("Retain");
        }
        if (retention.getWhenScaled() == null || retention.getWhenScaled().isEmpty()) {
            retention.setWhenScaled("Retain");
        }
        if (spec.getVolumeClaimTemplates() != null) {
            spec.getVolumeClaimTemplates().forEach(StatefulSetStrategy::claimTemplateDefaults);
        }
        PodSpecDefaults.applyTemplate(spec.getTemplate());
    }

    private static void claimTemplateDefaults(PersistentVolumeClaim pvc) {
        if (pvc.getSpec() == null) {
            pvc.setSpec(new PersistentVolumeClaimSpec());
        }
        if (pvc.getSpec().getVolumeMode() == null || pvc.getSpec().getVolumeMode().isEmpty()) {
            pvc.getSpec().setVolumeMode("Filesystem");
        }
        if (pvc.getStatus() == null) {
            pvc.setStatus(new PersistentVolumeClaimStatus());
        }
        if (pvc.getStatus().getPhase() == null || pvc.getStatus().getPhase().isEmpty()) {
            pvc.getStatus().setPhase("Pending");
        }
    }

    @Override
    public void prepareForCreate(StatefulSet sts) {
        if (sts.getStatus() == null) {
            sts.setStatus(new StatefulSetStatus());
        }
        if (sts.getStatus().getReplicas() == null) {
            sts.getStatus().setReplicas(0);
        }
        if (sts.getStatus().getAvailableReplicas() == null) {
            sts.getStatus().setAvailableReplicas(0);
        }
    }

    @Override
    public List<FieldError> validate(StatefulSet sts) {
        List<FieldError> errs = new ArrayList<>();
        StatefulSetSpec spec = spec(sts);
        FieldChecks.oneOf(spec.getPodManagementPolicy(), List.of("OrderedReady", "Parallel"),
                "spec.podManagementPolicy", errs);
        StatefulSetUpdateStrategy us = spec.getUpdateStrategy();
        if (us != null) {
            FieldChecks.oneOf(us.getType(), List.of("OnDelete", "RollingUpdate"), "spec.updateStrategy.type", errs);
            if ("OnDelete".equals(us.getType()) && us.getRollingUpdate() != null) {
                errs.add(FieldError.invalid("spec.updateStrategy.rollingUpdate", "OnDelete",
                        "only allowed for updateStrategy 'RollingUpdate'"));
            } else if (us.getRollingUpdate() != null) {
                FieldChecks.nonNegative(us.getRollingUpdate().getPartition(),
                        "spec.updateStrategy.rollingUpdate.partition", errs);
            }
        }
        var retention = spec.getPersistentVolumeClaimRetentionPolicy();
        if (retention != null) {
            List<String> policies = List.of("Retain", "Delete");
            FieldChecks.oneOf(retention.getWhenDeleted(), policies,
                    "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", errs);
            FieldChecks.oneOf(retention.getWhenScaled(), policies,
                    "spec.persistentVolumeClaimRetentionPolicy.whenScaled", errs);
        }
        FieldChecks.nonNegative(spec.getReplicas(), "spec.replicas", errs);
        FieldChecks.nonNegative(spec.getMinReadySeconds(), "spec.minReadySeconds", errs);
        WorkloadChecks.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), "statefulset", errs);
        errs.addAll(PodSpecValidation.restartPolicyAlways(spec.getTemplate(), "spec.template"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(StatefulSet sts, StatefulSet old) {
        List<FieldError> errs = validate(sts);
        StatefulSetSpec s = spec(sts);
        StatefulSetSpec o = spec(old);
        // compared as written, as kube compares its Go structs (serviceName: unset is "", and zeros a request
        // states inside the claim templates equal the stored, left-out ones)
        boolean same = Json.sameJson(s.getSelector(), o.getSelector())
                && Objects.toString(s.getServiceName(), "").equals(Objects.toString(o.getServiceName(), ""))
                && Objects.equals(s.getPodManagementPolicy(), o.getPodManagementPolicy())
                && Json.sameJson(s.getVolumeClaimTemplates(), o.getVolumeClaimTemplates());
        if (!same) {
            errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return errs;
    }

    @Override
    public List<TableColumn<StatefulSet>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Ready", "string", "Number of the pod with ready state",
                        s -> Cells.count(status(s).getReadyReplicas()) + "/" + Cells.count(spec(s).getReplicas())),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        s -> Cells.containerNames(spec(s).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        s -> Cells.images(spec(s).getTemplate())));
    }

    /** The scale subresource: spec.replicas, status.replicas, the selector string. */
    public static ScaleAccess<StatefulSet> scale() {
        return new ReplicasScale<>(s -> spec(s).getReplicas(), (s, r) -> spec(s).setReplicas(r),
                s -> status(s).getReplicas(), s -> spec(s).getSelector());
    }

    static StatefulSetSpec spec(StatefulSet s) {
        if (s.getSpec() == null) {
            s.setSpec(new StatefulSetSpec());
        }
        return s.getSpec();
    }

    static StatefulSetStatus status(StatefulSet s) {
        return s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
    }
}

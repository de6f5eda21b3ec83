package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.GarbageCollectionPolicy;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ReplicationControllers: replicas 1, selector and labels from the template's labels, template pod defaults;
 * selector required and matching the template, replicas not negative, template restartPolicy Always; field
 * selector {@code status.replicas}; the scale subresource; the {@code kubectl get rc} columns.
 */
public final class ReplicationControllerStrategy implements ResourceStrategy<ReplicationController>,
        ScaleAccess<ReplicationController> {

    /** v1 keeps the orphaning default of its clients before server-side cascading, as kube's does. */
    @Override
    public GarbageCollectionPolicy defaultGarbageCollectionPolicy() {
        return GarbageCollectionPolicy.ORPHAN_DEPENDENTS;
    }

    @Override
    public void applyDefaults(ReplicationController rc) {
        ReplicationControllerSpec spec = rc.getSpec();
        if (spec == null) {
            return;
        }
        if (spec.getReplicas() == null) {
            spec.setReplicas(1);
        }
        if (spec.getTemplate() != null) {
            Map<String, String> labels = spec.getTemplate().getMetadata() == null ? null : spec.getTemplate().getMetadata().getLabels();
            if (labels != null && !labels.isEmpty()) {
                if (spec.getSelector() == null || spec.getSelector().isEmpty()) {
                    spec.setSelector(new LinkedHashMap<>(labels));
                }
                if (rc.getMetadata().getLabels() == null || rc.getMetadata().getLabels().isEmpty()) {
                    rc.getMetadata().setLabels(new LinkedHashMap<>(labels));
                }
            }
            PodSpecDefaults.apply(spec.getTemplate().getSpec());
        }
    }

    @Override
    public List<FieldError> validate(ReplicationController rc) {
        List<FieldError> errs = new ArrayList<>();
        ReplicationControllerSpec spec = rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec();
        if (spec.getReplicas() != null && spec.getReplicas() < 0) {
            errs.add(FieldError.invalid("spec.replicas", spec.getReplicas(), "must be greater than or equal to 0"));
        }
        Map<String, String> selector = spec.getSelector();
        if (selector == null || selector.isEmpty()) {
            errs.add(FieldError.required("spec.selector", ""));
        } else {
            errs.addAll(ObjectMetaValidation.validateLabels(selector, "spec.selector"));
        }
        if (spec.getTemplate() != null) {
            Map<String, String> labels = spec.getTemplate().getMetadata() == null ? null
                    : spec.getTemplate().getMetadata().getLabels();
            if (selector != null && !selector.isEmpty()
                    && !LabelSelector.fromMatchLabels(selector).matches(labels)) {
                errs.add(FieldError.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                        "`selector` does not match template `labels`"));
            }
        }
        errs.addAll(PodSpecValidation.validateTemplate(spec.getTemplate(), "spec.template"));
        errs.addAll(PodSpecValidation.restartPolicyAlways(spec.getTemplate(), "spec.template"));
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(ReplicationController rc) {
        Integer replicas = rc.getStatus() == null ? null : rc.getStatus().getReplicas();
        return Map.of("status.replicas", String.valueOf(replicas == null ? 0 : replicas));
    }

    @Override
    public List<TableColumn<ReplicationController>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Desired", "integer", "Replicas is the number of desired replicas.", this::specReplicas),
                TableColumn.of("Current", "integer", "Replicas is the most recently observed number of replicas.",
                        this::statusReplicas),
                TableColumn.of("Ready", "integer", "The number of ready replicas for this replication controller.",
                        rc -> rc.getStatus() == null || rc.getStatus().getReadyReplicas() == null ? 0 : rc.getStatus().getReadyReplicas()),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        rc -> Cells.containerNames(template(rc))),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        rc -> Cells.images(template(rc))),
                TableColumn.wide("Selector", "string", "Selector is a label query over pods that should match the "
                        + "Replicas count.", rc -> ServiceSpecs.selector(rc.getSpec() == null ? null : rc.getSpec().getSelector())));
    }

    private static PodTemplateSpec template(ReplicationController rc) {
        return rc.getSpec() == null ? null : rc.getSpec().getTemplate();
    }

    @Override
    public int specReplicas(ReplicationController rc) {
        return rc.getSpec() == null || rc.getSpec().getReplicas() == null ? 0 : rc.getSpec().getReplicas();
    }

    @Override
    public void setSpecReplicas(ReplicationController rc, int replicas) {
        if (rc.getSpec() == null) {
            rc.setSpec(new ReplicationControllerSpec());
        }
        rc.getSpec().setReplicas(replicas);
    }

    @Override
    public int statusReplicas(ReplicationController rc) {
        return rc.getStatus() == null || rc.getStatus().getReplicas() == null ? 0 : rc.getStatus().getReplicas();
    }

    @Override
    public String selector(ReplicationController rc) {
        String s = ServiceSpecs.selector(rc.getSpec() == null ? null : rc.getSpec().getSelector());
        return "<none>".equals(s) ? "" : s;
    }
}

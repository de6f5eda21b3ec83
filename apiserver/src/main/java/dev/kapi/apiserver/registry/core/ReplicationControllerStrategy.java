package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ReplicationControllers: replicas 1, selector and labels from the template's labels, template pod defaults;
 * selector required and matching the template, replicas not negative, template restartPolicy Always; field
 * selector {@code status.replicas}; the scale subresource; the {@code kubectl get rc} columns.
 */
public final class ReplicationControllerStrategy implements ResourceStrategy<ReplicationController>,
        ScaleAccess<ReplicationController> {

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
            errs.addAll(dev.kapi.apiserver.registry.validation.ObjectMetaValidation.validateLabels(selector, "spec.selector"));
        }
        if (spec.getTemplate() == null) {
            errs.add(FieldError.required("spec.template", ""));
            return errs;
        }
        Map<String, String> labels = spec.getTemplate().getMetadata() == null || spec.getTemplate().getMetadata().getLabels() == null
                ? Map.of() : spec.getTemplate().getMetadata().getLabels();
        if (selector != null && !selector.isEmpty() && !labels.entrySet().containsAll(selector.entrySet())) {
            errs.add(FieldError.invalid("spec.template.metadata.labels", goMap(labels),
                    "`selector` does not match template `labels`"));
        }
        errs.addAll(dev.kapi.apiserver.registry.validation.ObjectMetaValidation.validateLabels(labels, "spec.template.labels"));
        errs.addAll(PodSpecValidation.validate(spec.getTemplate().getSpec(), "spec.template.spec", true));
        String restart = spec.getTemplate().getSpec() == null ? null : spec.getTemplate().getSpec().getRestartPolicy();
        if (restart != null && !restart.isEmpty() && !"Always".equals(restart)
                && PodSpecValidation.RESTART_POLICIES.contains(restart)) {
            errs.add(FieldError.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always")));
        }
        return errs;
    }

    private static String goMap(Map<String, String> m) {
        return "map[string]string{" + new java.util.TreeMap<>(m).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"").collect(Collectors.joining(", ")) + "}";
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
                        rc -> containers(rc).stream().map(Container::getName).collect(Collectors.joining(","))),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        rc -> containers(rc).stream().map(Container::getImage).collect(Collectors.joining(","))),
                TableColumn.wide("Selector", "string", "Selector is a label query over pods that should match the "
                        + "Replicas count.", rc -> ServiceSpecs.selector(rc.getSpec() == null ? null : rc.getSpec().getSelector())));
    }

    private static List<Container> containers(ReplicationController rc) {
        if (rc.getSpec() == null || rc.getSpec().getTemplate() == null || rc.getSpec().getTemplate().getSpec() == null
                || rc.getSpec().getTemplate().getSpec().getContainers() == null) {
            return List.of();
        }
        return rc.getSpec().getTemplate().getSpec().getContainers();
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

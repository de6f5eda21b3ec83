package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplate;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Core v1 podtemplates: the template gets a pod spec's defaults and validation (kube's
 * {@code ValidatePodTemplate}); kubectl shows its containers, images and pod labels.
 */
public final class PodTemplateStrategy implements ResourceStrategy<PodTemplate> {

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(PodTemplate pt) {
        PodSpecDefaults.applyTemplate(pt.getTemplate());
    }

    @Override
    public List<FieldError> validate(PodTemplate pt) {
        return PodSpecValidation.validateTemplate(pt.getTemplate(), "template");
    }

    @Override
    public List<TableColumn<PodTemplate>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Containers", "string", "Names of each container in the template.",
                        pt -> containers(pt).stream().map(Container::getName).collect(Collectors.joining(","))),
                TableColumn.of("Images", "string", "Images referenced by each container in the template.",
                        pt -> containers(pt).stream().map(Container::getImage).collect(Collectors.joining(","))),
                TableColumn.of("Pod Labels", "string", "The labels for the pod template.", PodTemplateStrategy::labels));
    }

    private static List<Container> containers(PodTemplate pt) {
        return pt.getTemplate() == null || pt.getTemplate().getSpec() == null
                || pt.getTemplate().getSpec().getContainers() == null ? List.of()
                : pt.getTemplate().getSpec().getContainers();
    }

    /** kubectl's {@code labels.FormatLabels}: k=v sorted by key, "&lt;none&gt;" when empty. */
    private static String labels(PodTemplate pt) {
        Map<String, String> l = pt.getTemplate() == null || pt.getTemplate().getMetadata() == null ? null
                : pt.getTemplate().getMetadata().getLabels();
        if (l == null || l.isEmpty()) {
            return "<none>";
        }
        return new java.util.TreeMap<>(l).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}

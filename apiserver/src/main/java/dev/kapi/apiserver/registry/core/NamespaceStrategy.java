package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespaces: DNS-1123 label names, the {@code kubernetes.io/metadata.name} label, the {@code kubernetes}
 * finalizer and phase Active on create, spec finalizers kept on update (only {@code /finalize} changes them),
 * and the status rule that a namespace not being deleted is Active.
 */
public final class NamespaceStrategy implements ResourceStrategy<Namespace> {

    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public void applyDefaults(Namespace ns) {
        nameLabel(ns);
    }

    @Override
    public void prepareForCreate(Namespace ns) {
        if (ns.getSpec() == null) {
            ns.setSpec(new NamespaceSpec());
        }
        List<String> finalizers = ns.getSpec().getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(ns.getSpec().getFinalizers());
        if (!finalizers.contains("kubernetes")) {
            finalizers.add("kubernetes");
        }
        ns.getSpec().setFinalizers(finalizers);
        NamespaceStatus status = new NamespaceStatus();
        status.setPhase("Active");
        ns.setStatus(status);
        nameLabel(ns);
    }

    @Override
    public void prepareForUpdate(Namespace ns, Namespace old) {
        if (ns.getSpec() == null) {
            ns.setSpec(new NamespaceSpec());
        }
        ns.getSpec().setFinalizers(old.getSpec() == null ? null : old.getSpec().getFinalizers());
        nameLabel(ns);
    }

    private static void nameLabel(Namespace ns) {
        String name = ns.getMetadata() == null ? null : ns.getMetadata().getName();
        if (name == null || name.isEmpty()) {
            return;
        }
        Map<String, String> labels = ns.getMetadata().getLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(ns.getMetadata().getLabels());
        labels.put(NAME_LABEL, name);
        ns.getMetadata().setLabels(labels);
    }

    @Override
    public List<String> validateName(String name) {
        return NameValidation.dns1123Label(name);
    }

    @Override
    public List<FieldError> validate(Namespace ns) {
        List<FieldError> errs = new ArrayList<>();
        List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
        for (String f : finalizers) {
            for (String msg : NameValidation.qualifiedName(f)) {
                errs.add(FieldError.invalid("spec.finalizers", f, msg));
            }
            if (!f.contains("/") && !ObjectMetaValidation.STANDARD_FINALIZERS.contains(f)) {
                errs.add(FieldError.invalid("spec.finalizers", f,
                        "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateStatusUpdate(Namespace ns, Namespace old) {
        String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
        boolean deleting = ns.getMetadata() != null && ns.getMetadata().getDeletionTimestamp() != null;
        if (!deleting && !"Active".equals(phase)) {
            return List.of(FieldError.invalid("status.Phase", phase == null ? "" : phase,
                    "may only be 'Active' if `deletionTimestamp` is empty"));
        }
        if (deleting && !"Terminating".equals(phase)) {
            return List.of(FieldError.invalid("status.Phase", phase == null ? "" : phase,
                    "may only be 'Terminating' if `deletionTimestamp` is not empty"));
        }
        return List.of();
    }

    @Override
    public Map<String, String> selectableFields(Namespace ns) {
        return Map.of("status.phase", ns.getStatus() == null || ns.getStatus().getPhase() == null ? "" : ns.getStatus().getPhase(),
                "name", ns.getMetadata().getName() == null ? "" : ns.getMetadata().getName());
    }

    @Override
    public List<TableColumn<Namespace>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Status", "string", "The status of the namespace",
                        n -> n.getStatus() == null || n.getStatus().getPhase() == null ? "" : n.getStatus().getPhase()),
                TableColumn.ageColumn());
    }
}

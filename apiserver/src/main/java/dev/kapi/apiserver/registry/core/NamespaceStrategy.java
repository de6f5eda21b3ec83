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
 * and the status rule that a namespace not being deleted is Active. The first delete only marks a namespace
 * (deletionTimestamp, phase Terminating); it goes once its spec finalizers are gone, which
 * the namespace controller ({@code controllers/NamespaceCleanup}) does after emptying it.
 */
public final class NamespaceStrategy implements ResourceStrategy<Namespace> {

    static final String NAME_LABEL = "kubernetes.io/metadata.name";
    /** The spec finalizer of kube's namespace controller: the namespace's content is being removed. */
    public static final String KUBERNETES_FINALIZER = "kubernetes";

    private final ResourceStrategy<Namespace> finalize = new Finalize(this);

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
        if (!finalizers.contains(KUBERNETES_FINALIZER)) {
            finalizers.add(KUBERNETES_FINALIZER);
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

    @Override
    public boolean deletionHeld(Namespace ns) {
        return ns.getMetadata().getDeletionTimestamp() == null || !specFinalizers(ns).isEmpty();
    }

    @Override
    public void prepareForDeletion(Namespace ns) {
        if (ns.getStatus() == null) {
            ns.setStatus(new NamespaceStatus());
        }
        ns.getStatus().setPhase("Terminating");
    }

    @Override
    public ResourceStrategy<Namespace> subresourceStrategy(String subresource) {
        return "finalize".equals(subresource) ? finalize : null;
    }

    public static List<String> specFinalizers(Namespace ns) {
        return ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
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
        for (String f : specFinalizers(ns)) {
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

    /**
     * PUT {@code /finalize}: like an update, except that {@code spec.finalizers} come from the body (status
     * stays as stored); how kube's namespace controller releases a namespace it has emptied.
     */
    private record Finalize(NamespaceStrategy namespaces) implements ResourceStrategy<Namespace> {

        @Override
        public void applyDefaults(Namespace ns) {
            namespaces.applyDefaults(ns);
        }

        @Override
        public void prepareForUpdate(Namespace ns, Namespace old) {
            if (ns.getSpec() == null) {
                ns.setSpec(new NamespaceSpec());
            }
            nameLabel(ns);
        }

        @Override
        public List<FieldError> validateUpdate(Namespace ns, Namespace old) {
            return namespaces.validate(ns);
        }
    }
}

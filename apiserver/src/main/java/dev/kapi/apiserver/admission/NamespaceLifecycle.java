package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * kube-apiserver's NamespaceLifecycle admission, the part that applies here: an object is created only in
 * a namespace that exists; otherwise {@code 404 namespaces "x" not found}, before the object is
 * validated (kube runs the check in its mutating phase). Namespaces are deleted at once here (no
 * Terminating phase yet), so the "is being terminated" refusal does not occur.
 */
public final class NamespaceLifecycle implements MutatingAdmission {

    /** Whether a namespace exists (a recent answer may be used; a missing one is always checked anew). */
    @FunctionalInterface
    public interface Namespaces {
        boolean exists(String name);
    }

    private static final GroupResource NAMESPACES = new GroupResource("", "namespaces");

    private final Namespaces namespaces;

    public NamespaceLifecycle(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return "NamespaceLifecycle";
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (a.operation() == AdmissionAttributes.Operation.CREATE && a.namespace() != null
                && !a.namespace().isEmpty() && !namespaces.exists(a.namespace())) {
            throw StatusError.notFound(NAMESPACES, a.namespace());
        }
        return a.object();
    }
}

package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;

import java.util.ArrayList;
import java.util.Set;

/**
 * kube-apiserver's NamespaceLifecycle admission (a mutating plugin there too, so it answers before the
 * object is validated): an object is created only in a namespace that exists ({@code 404 namespaces "x" not
 * found}) and is not being deleted (403 with cause {@code NamespaceTerminating}); the namespaces
 * {@code default}, {@code kube-system} and {@code kube-public} may not be deleted. Access reviews are let
 * through, as in kube.
 */
public final class NamespaceLifecycle implements MutatingAdmission {

    /** Where a namespace is in its life, as recently seen. */
    public enum Phase { ACTIVE, TERMINATING, MISSING }

    /** Reads a namespace's phase (a recent answer may be used; a missing namespace is always read anew). */
    @FunctionalInterface
    public interface Namespaces {
        Phase phase(String name);

        /** The namespace is about to be deleted: answer from storage, not from recent answers, for a while. */
        default void deleting(String name) {
        }
    }

    private static final GroupResource NAMESPACES = new GroupResource("", "namespaces");
    private static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

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
        boolean namespaceObject = a.group().isEmpty() && a.resource().resource().equals("namespaces");
        if (namespaceObject && a.operation() == AdmissionAttributes.Operation.DELETE && a.mainResource()) {
            if (IMMORTAL.contains(a.name())) {
                throw StatusError.forbidden(NAMESPACES, a.name(), "this namespace may not be deleted");
            }
            namespaces.deleting(a.name());
        }
        if (a.operation() != AdmissionAttributes.Operation.CREATE || namespaceObject || a.namespace() == null
                || a.namespace().isEmpty() || isAccessReview(a)) {
            return a.object();
        }
        switch (namespaces.phase(a.namespace())) {
            case MISSING -> throw StatusError.notFound(NAMESPACES, a.namespace());
            case TERMINATING -> throw terminating(a);
            case ACTIVE -> {
            }
        }
        return a.object();
    }

    /** kube lets access reviews through: their answer must not tell whether a namespace exists. */
    private static boolean isAccessReview(AdmissionAttributes a) {
        return a.group().equals("authorization.k8s.io") && a.resource().resource().equals("localsubjectaccessreviews");
    }

    private static StatusError terminating(AdmissionAttributes a) {
        StatusError e = AdmissionForbidden.of(a,
                "unable to create new content in namespace " + a.namespace() + " because it is being terminated");
        StatusCause cause = new StatusCause();
        cause.setReason("NamespaceTerminating");
        cause.setMessage("namespace " + a.namespace() + " is being terminated");
        cause.setField("metadata.namespace");
        var causes = new ArrayList<StatusCause>();
        causes.add(cause);
        e.status().getDetails().setCauses(causes);
        return e;
    }
}

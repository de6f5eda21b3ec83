package dev.kapi.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An admission plugin that may change the object before it is validated and stored. Runs before
 * every {@link ValidatingAdmission}. Rejects by throwing {@link dev.kapi.apiserver.api.StatusError}.
 */
public interface MutatingAdmission {

    /** A short name for logs and errors, e.g. {@code NamespaceLifecycle}. */
    String name();

    /** @return the object to continue with (the given one, changed or not, or a replacement) */
    HasMetadata admit(AdmissionAttributes attributes);
}

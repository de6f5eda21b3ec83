package dev.kapi.apiserver.admission;

/**
 * An admission plugin that may only accept or reject the final object, after mutation, defaulting and
 * the resource's own validation. Rejects by throwing {@link dev.kapi.apiserver.api.StatusError}.
 */
public interface ValidatingAdmission {

    String name();

    void validate(AdmissionAttributes attributes);
}

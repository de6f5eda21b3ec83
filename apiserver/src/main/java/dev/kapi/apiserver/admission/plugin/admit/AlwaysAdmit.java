package dev.kapi.apiserver.admission.plugin.admit;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * kube's AlwaysAdmit (deprecated there): admits every write unchanged. Off unless
 * {@code --enable-admission-plugins} names it.
 */
public final class AlwaysAdmit implements MutatingAdmission, ValidatingAdmission {

    public static final String NAME = "AlwaysAdmit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes attributes) {
        return attributes.object();
    }

    @Override
    public void validate(AdmissionAttributes attributes) {
    }
}

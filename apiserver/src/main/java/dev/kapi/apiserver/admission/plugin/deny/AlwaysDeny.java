package dev.kapi.apiserver.admission.plugin.deny;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * kube's AlwaysDeny (deprecated there): refuses every write, of every resource and subresource, with 403
 * {@code admission control is denying all modifications}. Off unless {@code --enable-admission-plugins}
 * names it; the server's own writers are refused too, as kube's loopback writes are.
 */
public final class AlwaysDeny implements MutatingAdmission, ValidatingAdmission {

    public static final String NAME = "AlwaysDeny";
    static final String MESSAGE = "admission control is denying all modifications";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes attributes) {
        throw AdmissionForbidden.of(attributes, MESSAGE);
    }

    @Override
    public void validate(AdmissionAttributes attributes) {
        throw AdmissionForbidden.of(attributes, MESSAGE);
    }
}

package dev.kapi.apiserver.admission.plugin;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.StatusError;

/**
 * kube's {@code admission.NewForbidden}: a 403 naming the request's resource and object, as
 * {@code pods "web" is forbidden: <why>}. The object is named by the request's name, else (a create before
 * naming) by its name or generateName, else {@code Unknown} (a deletecollection's objects, as in kube).
 */
public final class AdmissionForbidden {

    private AdmissionForbidden() {
    }

    public static StatusError of(AdmissionAttributes a, String why) {
        return StatusError.forbidden(a.resource().groupResource(), nameOf(a), why);
    }

    /** kube's {@code extractResourceName}. */
    public static String nameOf(AdmissionAttributes a) {
        if (a.name() != null && !a.name().isEmpty()) {
            return a.name();
        }
        var meta = a.object() == null ? null : a.object().getMetadata();
        if (meta != null && meta.getName() != null && !meta.getName().isEmpty()) {
            return meta.getName();
        }
        if (meta != null && meta.getGenerateName() != null && !meta.getGenerateName().isEmpty()) {
            return meta.getGenerateName();
        }
        return "Unknown";
    }
}

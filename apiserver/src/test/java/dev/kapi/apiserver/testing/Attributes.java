package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Admission attributes for plugin tests, from the parts a plugin reads (no options). */
public final class Attributes {

    private Attributes() {
    }

    public static AdmissionAttributes of(Operation operation, String group, String version, String resource,
                                         String subresource, String kind, String namespace, String name,
                                         HasMetadata object, HasMetadata oldObject, UserInfo user, boolean dryRun) {
        GroupVersionKind gvk = new GroupVersionKind(group, version, kind);
        return new AdmissionAttributes(operation, gvk, gvk, new GroupVersionResource(group, version, resource),
                subresource == null ? "" : subresource, namespace, name, object, oldObject, null, user, dryRun, null);
    }
}

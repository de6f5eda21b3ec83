package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A request as one webhook is called for it (kube's {@code VersionedAttributes} with the invocation): the
 * request's attributes, the invocation (resource, subresource and kind the webhook matched), and the object and
 * old object in the invocation's version (the request's own objects when it is the request's version).
 */
public record VersionedAttributes(AdmissionAttributes request, Invocation invocation, HasMetadata object,
                                  HasMetadata oldObject) {

    /** The request for {@code invocation}, its objects converted when the invocation is for another version. */
    public static VersionedAttributes of(AdmissionAttributes a, Invocation invocation, ObjectVersions versions) {
        if (!invocation.converted(a)) {
            return new VersionedAttributes(a, invocation, a.object(), a.oldObject());
        }
        return new VersionedAttributes(a, invocation,
                a.object() == null ? null : versions.convert(a.object(), invocation.resource()),
                a.oldObject() == null ? null : versions.convert(a.oldObject(), invocation.resource()));
    }

    /** The same objects for another invocation of the same version. */
    public VersionedAttributes withInvocation(Invocation other) {
        return new VersionedAttributes(request, other, object, oldObject);
    }
}

package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * What an admission plugin sees of one write, as kube-apiserver's {@code admission.Attributes} and the
 * request of an AdmissionReview carry it. Values are kube's, for every verb and subresource:
 *
 * <ul>
 * <li>{@code kind}: the kind of the objects of the request's endpoint ({@code apps/v1 Deployment};
 *     {@code autoscaling/v1 Scale} for {@code deployments/scale}, {@code policy/v1 Eviction} for
 *     {@code pods/eviction}, {@code authentication.k8s.io/v1 TokenRequest} for {@code serviceaccounts/token});
 *     {@code requestKind} the kind the client addressed, the same until a webhook is matched through an
 *     equivalent version;</li>
 * <li>{@code resource} the parent resource ({@code apps/v1 deployments}), {@code subresource} "" or its name;</li>
 * <li>{@code namespace}: the request's; a namespace's own name for the namespace object; "" for other
 *     cluster-scoped resources. {@code name}: the URL's, or on create the object's ("" while only a
 *     generateName is set; validating admission sees the generated one); "" for each object of a
 *     deletecollection;</li>
 * <li>{@code object}: the new object (CREATE, UPDATE), null on DELETE; {@code oldObject}: the stored object
 *     (UPDATE, DELETE), null on CREATE. Plugins must not change {@code oldObject};</li>
 * <li>{@code options}: {@code meta.k8s.io/v1} CreateOptions, UpdateOptions (also for a patch, as kube converts
 *     PatchOptions) or DeleteOptions; {@code dryRun}: whether nothing will be persisted;</li>
 * <li>{@code user}: who asks (name, uid, groups, extra), a system identity for the server's own writers;</li>
 * <li>{@code recorder}: where plugins leave warnings for the client and audit annotations.</li>
 * </ul>
 */
public record AdmissionAttributes(Operation operation, GroupVersionKind kind, GroupVersionKind requestKind,
                                  GroupVersionResource resource, String subresource, String namespace, String name,
                                  HasMetadata object, HasMetadata oldObject, KubernetesResource options,
                                  UserInfo user, boolean dryRun,
                                  AdmissionRecorder recorder) {

    public AdmissionAttributes {
        recorder = recorder == null ? AdmissionRecorder.NONE : recorder;
    }

    public enum Operation { CREATE, UPDATE, DELETE, CONNECT }

    /** The same attributes with another object (mutating plugins hand theirs on). */
    public AdmissionAttributes withObject(HasMetadata newObject) {
        return new AdmissionAttributes(operation, kind, requestKind, resource, subresource, namespace, name,
                newObject, oldObject, options, user, dryRun, recorder);
    }

    /** The same attributes with another object and old object (each attempt of an update reads them anew). */
    public AdmissionAttributes withObjects(HasMetadata newObject, HasMetadata newOldObject) {
        return new AdmissionAttributes(operation, kind, requestKind, resource, subresource, namespace, name,
                newObject, newOldObject, options, user, dryRun, recorder);
    }

    /** The same attributes with another name (the one generated for a create). */
    public AdmissionAttributes withName(String newName) {
        return new AdmissionAttributes(operation, kind, requestKind, resource, subresource, namespace, newName,
                object, oldObject, options, user, dryRun, recorder);
    }

    /** The API group of the resource ("" for the core group). */
    public String group() {
        return resource.group();
    }

    /** Whether the write addresses the resource itself rather than a subresource. */
    public boolean mainResource() {
        return subresource.isEmpty();
    }
}

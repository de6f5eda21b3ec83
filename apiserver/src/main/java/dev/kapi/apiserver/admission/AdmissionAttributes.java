package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What an admission plugin sees of one write, as kube-apiserver's {@code admission.Attributes}:
 * the operation, the resource addressed (group, version, resource, subresource), namespace and name,
 * the new object (null on delete), the old one (null on create), who asks, and whether it is a dry run.
 */
public record AdmissionAttributes(Operation operation, String group, String version, String resource,
                                  String subresource, String kind, String namespace, String name,
                                  HasMetadata object, HasMetadata oldObject, UserInfo user, boolean dryRun) {

    public enum Operation { CREATE, UPDATE, DELETE, CONNECT }

    /** The same attributes with another object (mutating plugins hand theirs on). */
    public AdmissionAttributes withObject(HasMetadata newObject) {
        return new AdmissionAttributes(operation, group, version, resource, subresource, kind, namespace, name,
                newObject, oldObject, user, dryRun);
    }
}

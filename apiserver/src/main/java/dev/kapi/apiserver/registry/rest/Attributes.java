package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.SubresourceKinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * Builds the {@link AdmissionAttributes} of a write from its scope, as kube-apiserver's handlers build
 * {@code admission.NewAttributesRecord}: the kind of the endpoint (a subresource's own, e.g. Scale), the
 * parent resource and the subresource, the namespace kube's request info gives (a namespace object's own
 * name; "" for other cluster-scoped resources) and the caller.
 */
final class Attributes {

    private Attributes() {
    }

    static AdmissionAttributes of(Operation operation, WriteScope<?> scope, String name, KubernetesResource options,
                                  boolean dryRun) {
        ResourceDefinition<?> def = scope.store().definition();
        String subresource = scope.subresource() == null ? "" : scope.subresource();
        GroupVersionKind kind = subresource.isEmpty() ? def.groupVersionKind()
                : SubresourceKinds.of(def, subresource).kindOf(def);
        String n = name == null ? "" : name;
        return new AdmissionAttributes(operation, kind, kind, def.groupVersionResource(), subresource,
                namespace(def, scope.namespace(), n), n, null, null, options, scope.user(), dryRun,
                scope.recorder());
    }

    /** The name a create admits: the object's ("" while it has only a generateName). */
    static String nameOf(HasMetadata obj) {
        return obj.getMetadata() == null || obj.getMetadata().getName() == null ? "" : obj.getMetadata().getName();
    }

    private static String namespace(ResourceDefinition<?> def, String requested, String name) {
        if (def.group().isEmpty() && def.resource().equals("namespaces")) {
            return name;
        }
        return def.namespaced() && requested != null ? requested : "";
    }
}

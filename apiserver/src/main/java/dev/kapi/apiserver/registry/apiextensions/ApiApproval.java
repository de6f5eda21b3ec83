package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;

import java.util.List;
import java.util.Objects;

/**
 * kube's API review policy for CRDs in its own groups (k8s.io, kubernetes.io and their subdomains): the
 * {@code api-approved.kubernetes.io} annotation must be a URL or a reason starting with "unapproved", and the
 * CRD carries the KubernetesAPIApprovalPolicyConformant condition.
 */
final class ApiApproval {

    private ApiApproval() {
    }

    static final String API_APPROVAL = "api-approved.kubernetes.io";

    /**
     * A CRD in a group under k8s.io or kubernetes.io needs the {@code api-approved.kubernetes.io} annotation: a
     * URL or a reason starting with "unapproved" (kube's API review policy); checked on create, and on an update
     * only when the annotation changed.
     */
    static List<FieldError> validate(CustomResourceDefinition crd, CustomResourceDefinition old) {
        if (!protectedGroup(crd)) {
            return List.of();
        }
        String value = annotation(crd);
        if (old != null && Objects.equals(value, annotation(old))) {
            return List.of();
        }
        String path = "metadata.annotations[" + API_APPROVAL + "]";
        if (value == null || value.isEmpty()) {
            return List.of(FieldError.required(path, "protected groups must have approval annotation \"" + API_APPROVAL
                    + "\", see https://github.com/kubernetes/enhancements/pull/1111"));
        }
        if (value.startsWith("unapproved") || isUrl(value)) {
            return List.of();
        }
        return List.of(FieldError.invalid(path, value, "protected groups must have approval annotation \""
                + API_APPROVAL + "\" with either a URL or a reason starting with \"unapproved\", see "
                + "https://github.com/kubernetes/enhancements/pull/1111"));
    }

    /** Whether the CRD's group is kube's own (k8s.io, kubernetes.io and their subdomains). */
    static boolean protectedGroup(CustomResourceDefinition crd) {
        String group = crd.getSpec() == null ? null : crd.getSpec().getGroup();
        return group != null && (group.equals("k8s.io") || group.endsWith(".k8s.io") || group.equals("kubernetes.io")
                || group.endsWith(".kubernetes.io"));
    }

    /**
     * kube's KubernetesAPIApprovalPolicyConformant condition of a CRD in a protected group (null otherwise):
     * True when the annotation is a URL, False when it says "unapproved..." (validation refuses the rest).
     */
    static CustomResourceDefinitionCondition condition(CustomResourceDefinition crd) {
        if (!protectedGroup(crd)) {
            return null;
        }
        String value = Objects.toString(annotation(crd), "");
        String type = "KubernetesAPIApprovalPolicyConformant";
        if (value.startsWith("unapproved")) {
            return CrdConditions.of(type, "False", "UnapprovedAnnotation", "not approved: \"" + value + "\"");
        }
        if (isUrl(value)) {
            return CrdConditions.of(type, "True", "ApprovedAnnotation", "approved in " + value);
        }
        return CrdConditions.of(type, "False", value.isEmpty() ? "MissingAnnotation" : "InvalidAnnotation",
                "protected groups must have approval annotation \"" + API_APPROVAL + "\""
                        + (value.isEmpty() ? "" : " with either a URL or a reason starting with \"unapproved\"")
                        + ", see https://github.com/kubernetes/enhancements/pull/1111");
    }

    private static String annotation(CustomResourceDefinition crd) {
        var annotations = crd.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(API_APPROVAL);
    }

    private static boolean isUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            return uri.getScheme() != null && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}

package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;

/**
 * What a policy rule is matched against (kube's authorizer attributes as the audit filter sees them): the
 * authenticated user (null when authentication failed), the verb, and a resource (group, version, resource,
 * subresource, namespace, name; "" when absent) or a non-resource path. The namespace of the namespace object
 * itself ({@code /api/v1/namespaces/x}) is x, as in kube's request info.
 */
public record RequestAttributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup,
                                String apiVersion, String resource, String subresource, String namespace,
                                String name, String path) {

    public static RequestAttributes of(UserInfo user, RequestInfo info) {
        if (!info.resourceRequest()) {
            return new RequestAttributes(user, info.verb(), false, "", "", "", "", "", "", info.path());
        }
        String namespace = info.isNamespaceObject() ? nz(info.name()) : nz(info.namespace());
        return new RequestAttributes(user, info.verb(), true, nz(info.apiGroup()), nz(info.apiVersion()),
                nz(info.resource()), nz(info.subresource()), namespace, nz(info.name()), info.path());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

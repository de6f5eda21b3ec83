package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;

/**
 * What an authorizer decides on, as kube-apiserver's {@code authorizer.Attributes}: who (user), the verb,
 * and either a resource (group, version, resource, subresource, namespace, name, and for a collection read the
 * selectors narrowing it) or a non-resource path. Namespace is "" for cluster-scoped requests and all-namespace
 * lists.
 */
public record AuthorizationAttributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup,
                                      String apiVersion, String resource, String subresource, String namespace,
                                      String name, String path, AuthorizationSelectors selectors) {

    public AuthorizationAttributes {
        selectors = selectors == null ? AuthorizationSelectors.NONE : selectors;
    }

    /** Attributes without selectors. */
    public AuthorizationAttributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup,
                                   String apiVersion, String resource, String subresource, String namespace,
                                   String name, String path) {
        this(user, verb, resourceRequest, apiGroup, apiVersion, resource, subresource, namespace, name, path,
                AuthorizationSelectors.NONE);
    }

    public static AuthorizationAttributes of(UserInfo user, RequestInfo info) {
        if (!info.resourceRequest()) {
            return new AuthorizationAttributes(user, info.verb(), false, "", "", "", "", "", "", info.path());
        }
        String namespace = info.namespace() == null ? "" : info.namespace();
        if (info.isNamespaceObject()) {
            namespace = info.name() == null ? "" : info.name();
        }
        return new AuthorizationAttributes(user, info.verb(), true, nz(info.apiGroup()), nz(info.apiVersion()),
                nz(info.resource()), nz(info.subresource()), namespace, nz(info.name()), info.path());
    }

    /** The same request asked with another verb (kube's create-on-update check asks {@code create}), unnarrowed. */
    public AuthorizationAttributes withVerb(String otherVerb) {
        return new AuthorizationAttributes(user, otherVerb, resourceRequest, apiGroup, apiVersion, resource,
                subresource, namespace, name, path, AuthorizationSelectors.NONE);
    }

    /** The same request narrowed by {@code narrowing} (a resource request's only). */
    public AuthorizationAttributes withSelectors(AuthorizationSelectors narrowing) {
        return new AuthorizationAttributes(user, verb, resourceRequest, apiGroup, apiVersion, resource,
                subresource, namespace, name, path, resourceRequest ? narrowing : AuthorizationSelectors.NONE);
    }

    /** The resource as RBAC rules name it: {@code pods} or {@code pods/status}. */
    public String resourceWithSubresource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

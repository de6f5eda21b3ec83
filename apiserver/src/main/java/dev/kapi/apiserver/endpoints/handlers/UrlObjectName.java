package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Where the URL names the object (update, patch, their subresources), the object written must be that one:
 * the body's (or patched object's) name must equal the URL's, and its namespace, when set, the URL's, else
 * 400 in kube-apiserver's words ({@code checkName} of its update and patch handlers). Authorization decided
 * on the URL's name and namespace (RBAC {@code resourceNames}), so nothing else may be written under it.
 */
final class UrlObjectName {

    private UrlObjectName() {
    }

    static void check(RequestScope scope, HasMetadata obj) {
        String name = obj.getMetadata() == null ? null : obj.getMetadata().getName();
        if (name == null || name.isEmpty()) {
            throw StatusError.badRequest("the name of the object (" + scope.name()
                    + " based on URL) was undeterminable: name must be provided");
        }
        if (!name.equals(scope.name())) {
            throw StatusError.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
                    + scope.name() + ")");
        }
        String namespace = scope.namespace();
        String objNamespace = obj.getMetadata().getNamespace();
        if (namespace != null && !namespace.isEmpty() && objNamespace != null && !objNamespace.isEmpty()
                && !objNamespace.equals(namespace)) {
            throw StatusError.badRequest("the namespace of the object (" + objNamespace
                    + ") does not match the namespace on the request (" + namespace + ")");
        }
    }
}

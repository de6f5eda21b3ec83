package dev.kapi.apiserver.filters;

/**
 * What a request addresses, derived from its path, method and query as kube-apiserver's
 * {@code RequestInfoFactory} does. Resource requests have {@code resourceRequest} true and a Kubernetes
 * verb (get, list, watch, create, update, patch, delete, deletecollection); other paths keep the
 * lower-case HTTP method as verb.
 *
 * <p>Examples: {@code GET /api/v1/namespaces/default/pods/web} → get pods "web" in "default";
 * {@code GET /apis/apps/v1/deployments?watch=true} → watch deployments in all namespaces;
 * {@code PUT /api/v1/namespaces/ns/pods/p/status} → update subresource status;
 * {@code GET /api/v1/watch/namespaces/ns/pods} → watch (the legacy path).
 *
 * <p>{@code path} and {@code parts} are the decoded path ({@link RequestPath}); {@code extraSegments} is true
 * when segments follow the subresource ({@code pods/p/status/x}), which kube's request info ignores and no
 * route serves; {@code legacyWatch} when the verb came from the path ({@code /watch/...}).
 */
public record RequestInfo(boolean resourceRequest, String path, String verb, String apiPrefix,
                          String apiGroup, String apiVersion, String namespace, String resource,
                          String subresource, String name, String[] parts, boolean namespaceObject,
                          boolean extraSegments, boolean legacyWatch) {

    public static final String ATTRIBUTE = RequestInfo.class.getName();

    /**
     * Whether the path names the namespace object itself ({@code /api/v1/namespaces/x}, {@code .../x/status},
     * {@code .../x/finalize}): then {@link #namespace} and {@link #name} are both x. Not for
     * {@code /api/v1/namespaces/x/namespaces}, which kube reads as namespaces in namespace x (no such route).
     */
    public boolean isNamespaceObject() {
        return namespaceObject && "namespaces".equals(resource) && "".equals(apiGroup);
    }
}

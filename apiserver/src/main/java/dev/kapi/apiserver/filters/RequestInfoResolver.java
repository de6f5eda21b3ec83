package dev.kapi.apiserver.filters;

import java.util.Arrays;
import java.util.Set;

/** Parses a request's path, method and query into a {@link RequestInfo}. Pure and stateless. */
public final class RequestInfoResolver {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    private static final Set<String> STREAM_SUBRESOURCES = Set.of("exec", "attach", "portforward");

    private RequestInfoResolver() {
    }

    /**
     * @param watchParam the {@code watch} query parameter (null when absent)
     * @param hasFieldSelectorOnName true when a list's fieldSelector names one object (metadata.name=x);
     *                               kube then reports the verb as list but fills in the name
     */
    public static RequestInfo resolve(String method, String rawPath, String watchParam, String fieldSelectorName) {
        String verb = method.toLowerCase(java.util.Locale.ROOT);
        String[] parts = RequestPath.segments(rawPath).toArray(String[]::new);
        String path = "/" + String.join("/", parts);
        if (parts.length < 3 || !(parts[0].equals("api") || parts[0].equals("apis"))
                || (parts[0].equals("apis") && parts.length < 4)) {
            return nonResource(path, verb, parts);
        }
        String prefix = parts[0];
        int i = 1;
        String group = prefix.equals("apis") ? parts[i++] : "";
        String version = parts[i++];
        String[] rest = Arrays.copyOfRange(parts, i, parts.length);
        boolean legacyWatch = rest[0].equals("watch");
        if (legacyWatch) {
            rest = Arrays.copyOfRange(rest, 1, rest.length);
        }
        // kube's RequestInfoFactory: namespaces/{ns}/... addresses resources in {ns}, except the namespace
        // object itself (namespaces/{name} and its status and finalize subresources)
        String namespace = null;
        boolean namespaceObject = false;
        if (rest.length >= 1 && rest[0].equals("namespaces") && rest.length >= 2) {
            namespace = rest[1];
            if (rest.length >= 3 && !NAMESPACE_SUBRESOURCES.contains(rest[2])) {
                rest = Arrays.copyOfRange(rest, 2, rest.length);
            } else {
                namespaceObject = true;
            }
        }
        if (rest.length == 0 || rest[0].isEmpty()) {
            return nonResource(path, verb, parts);
        }
        String resource = rest[0];
        String name = rest.length >= 2 ? rest[1] : null;
        String subresource = rest.length >= 3 ? rest[2] : null;
        boolean watch = legacyWatch || isTrue(watchParam);
        verb = switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            case "GET", "HEAD" -> watch ? "watch" : (name == null ? "list" : "get");
            default -> verb;
        };
        if ("get".equals(verb) && group.isEmpty() && resource.equals("pods") && subresource != null
                && STREAM_SUBRESOURCES.contains(subresource)) {
            // kube (AuthorizePodWebsocketUpgradeCreatePermission, on by default since 1.35): the GET that opens a
            // WebSocket to exec, attach or port-forward needs create, as the SPDY POST does; a role granting
            // only get on pods/exec must not open a shell
            verb = "create";
        }
        // kube: only a list or watch the query made one (not /watch/... paths) is authorized for the name it selects
        if (("list".equals(verb) || "watch".equals(verb)) && !legacyWatch && name == null && fieldSelectorName != null) {
            name = fieldSelectorName;
        }
        return new RequestInfo(true, path, verb, prefix, group, version, namespace, resource, subresource, name,
                parts, namespaceObject, rest.length > 3, legacyWatch);
    }

    private static RequestInfo nonResource(String path, String verb, String[] parts) {
        return new RequestInfo(false, path, verb, null, null, null, null, null, null, null, parts, false, false,
                false);
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }
}

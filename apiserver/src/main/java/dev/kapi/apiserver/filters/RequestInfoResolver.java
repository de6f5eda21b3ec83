package dev.kapi.apiserver.filters;

import java.util.Arrays;
import java.util.Set;

/** Parses a request's path, method and query into a {@link RequestInfo}. Pure and stateless. */
public final class RequestInfoResolver {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    private RequestInfoResolver() {
    }

    /**
     * @param watchParam the {@code watch} query parameter (null when absent)
     * @param hasFieldSelectorOnName true when a list's fieldSelector names one object (metadata.name=x);
     *                               kube then reports the verb as list but fills in the name
     */
    public static RequestInfo resolve(String method, String path, String watchParam, String fieldSelectorName) {
        String verb = method.toLowerCase(java.util.Locale.ROOT);
        String trimmed = trim(path);
        String[] parts = trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
        if (parts.length < 2 || !(parts[0].equals("api") || parts[0].equals("apis"))) {
            return nonResource(path, verb, parts);
        }
        String prefix = parts[0];
        int i = 1;
        String group = "";
        if (prefix.equals("apis")) {
            group = parts[i++];
        }
        if (i >= parts.length) {
            return nonResource(path, verb, parts);
        }
        String version = parts[i++];
        if (i >= parts.length) {
            return nonResource(path, verb, parts);
        }
        String[] rest = Arrays.copyOfRange(parts, i, parts.length);
        boolean legacyWatch = false;
        if (rest.length > 0 && rest[0].equals("watch")) {
            legacyWatch = true;
            rest = Arrays.copyOfRange(rest, 1, rest.length);
        }
        String namespace = null;
        String resource;
        String name = null;
        String subresource = null;
        if (rest.length >= 1 && rest[0].equals("namespaces")) {
            if (rest.length >= 3) {
                namespace = rest[1];
                resource = rest[2];
                if (rest.length >= 4) {
                    name = rest[3];
                }
                if (rest.length >= 5) {
                    subresource = rest[4];
                }
            } else {
                resource = "namespaces";
                if (rest.length == 2) {
                    name = rest[1];
                    namespace = rest[1];
                }
            }
            // /api/v1/namespaces/{name}/status and /finalize address the namespace itself
            if (rest.length == 3 && NAMESPACE_SUBRESOURCES.contains(rest[2])) {
                resource = "namespaces";
                name = rest[1];
                subresource = rest[2];
            }
        } else {
            resource = rest.length >= 1 ? rest[0] : "";
            if (rest.length >= 2) {
                name = rest[1];
            }
            if (rest.length >= 3) {
                subresource = rest[2];
            }
        }
        if (resource.isEmpty()) {
            return nonResource(path, verb, parts);
        }
        boolean watch = legacyWatch || isTrue(watchParam);
        verb = switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            case "GET", "HEAD" -> watch ? "watch" : (name == null ? "list" : "get");
            default -> verb;
        };
        if (("list".equals(verb) || "watch".equals(verb)) && name == null && fieldSelectorName != null) {
            name = fieldSelectorName;
        }
        return new RequestInfo(true, path, verb, prefix, group, version, namespace, resource, subresource, name,
                parts);
    }

    private static RequestInfo nonResource(String path, String verb, String[] parts) {
        return new RequestInfo(false, path, verb, null, null, null, null, null, null, null, parts);
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    private static String trim(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}

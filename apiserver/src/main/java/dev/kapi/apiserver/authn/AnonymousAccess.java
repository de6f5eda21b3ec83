package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.filters.RequestPath;
import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.Set;

/**
 * Which requests without credentials are {@code system:anonymous} rather than 401s: none, all ({@code --anonymous-auth},
 * or {@code anonymous.enabled} of {@code --authentication-config}), or only those whose decoded path is exactly one of
 * {@code anonymous.conditions[].path} (kube 1.32's AnonymousAuthConfigurableEndpoints: case-sensitive, no prefixes,
 * the query ignored, any method), e.g. {@code /livez} for a load balancer's probe.
 *
 * @param paths empty: every path
 */
public record AnonymousAccess(boolean enabled, Set<String> paths) {

    public static final AnonymousAccess ALL = new AnonymousAccess(true, Set.of());
    public static final AnonymousAccess NONE = new AnonymousAccess(false, Set.of());

    public AnonymousAccess {
        paths = Set.copyOf(paths);
    }

    /** {@code enabled} with these paths only (none: every path). */
    public static AnonymousAccess of(boolean enabled, List<String> paths) {
        return new AnonymousAccess(enabled, Set.copyOf(paths));
    }

    /** Whether {@code req}, which carries no credentials, may be served as {@code system:anonymous}. */
    public boolean allows(HttpServletRequest req) {
        if (!enabled) {
            return false;
        }
        if (paths.isEmpty()) {
            return true;
        }
        String raw = req.getRequestURI();
        String path;
        try {
            path = RequestPath.canonical(raw);
        } catch (RuntimeException e) {
            return false; // refused as unreadable later anyway
        }
        // the canonical path drops one trailing "/", which Go's URL.Path keeps
        return paths.contains(raw.length() > 1 && raw.endsWith("/") ? path + "/" : path);
    }
}

package dev.kapi.apiserver.endpoints;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;

/**
 * A handler for a path that is not a resource request: discovery ({@code /api}, {@code /apis/apps/v1}),
 * {@code /version}, {@code /openapi/v3}, health checks. The API dispatcher offers each non-resource
 * request to the handlers in order; the first that {@link #matches} writes the response.
 */
public interface PathHandler {

    /** Whether this handler serves {@code path}, the decoded path authorization decided on. */
    boolean matches(String method, String path);

    /** Serves {@code path} (the same decoded path as {@link #matches}; never re-read from the request). */
    void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException;

    /**
     * The paths this handler serves as {@code /} lists them (kube-apiserver's listed paths), as they are now:
     * {@code /version}, {@code /apis/apps/v1}, each health check. None by default.
     */
    default List<String> listedPaths() {
        return List.of();
    }
}

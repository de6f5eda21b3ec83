package dev.kapi.apiserver.endpoints;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A handler for a path that is not a resource request: discovery ({@code /api}, {@code /apis/apps/v1}),
 * {@code /version}, {@code /openapi/v3}, health checks. The API dispatcher offers each non-resource
 * request to the handlers in order; the first that {@link #matches} writes the response.
 */
public interface PathHandler {

    boolean matches(String method, String path);

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
}

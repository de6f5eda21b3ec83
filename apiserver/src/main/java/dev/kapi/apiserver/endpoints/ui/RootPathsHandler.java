package dev.kapi.apiserver.endpoints.ui;

import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.Responses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /} as kube-apiserver answers it: {@code {"paths": [...]}}, every path the other handlers list
 * ({@link PathHandler#listedPaths()}, read at each request, so served groups and CRDs appear as they come),
 * sorted, with the Swagger UI's entry point. Who may read it is RBAC's decision on the non-resource URL
 * {@code /} (kube's {@code cluster-admin} may; {@code system:discovery} and anonymous may not).
 */
public final class RootPathsHandler implements PathHandler {

    private final List<PathHandler> handlers;

    /** @param handlers the server's other path handlers, whose paths {@code /} lists */
    public RootPathsHandler(List<PathHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && "/".equals(path);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        handlers.forEach(h -> paths.addAll(h.listedPaths()));
        paths.add(SwaggerUiFiles.ENTRY);
        Responses.write(request, response, 200, Map.of("paths", List.copyOf(paths)));
    }
}

package dev.kapi.apiserver.endpoints.ui;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.endpoints.PathHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * {@code /} as kube-apiserver answers it: {@code {"paths": [...]}} (indented, as kube writes it), every path the other handlers list
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
        byte[] body = indented(paths).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(MediaTypes.JSON);
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    /** Indented as kube-apiserver writes it (Go's {@code json.MarshalIndent} with two spaces), whatever the Accept. */
    private static String indented(TreeSet<String> paths) {
        StringJoiner items = new StringJoiner(",\n    ", "{\n  \"paths\": [\n    ", "\n  ]\n}");
        paths.forEach(p -> items.add(Json.string(p)));
        return items.toString();
    }
}

package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.endpoints.PathHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics}: every meter in Prometheus' text exposition format (version 0.0.4), as
 * kube-apiserver does. Who may read it is authorization's business (non-resource URL {@code /metrics}, verb
 * get: kube's {@code system:monitoring} ClusterRole); this handler only runs for an authorized request.
 */
public final class MetricsHandler implements PathHandler {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> scrape;

    /** @param scrape the current value of every meter, already in Prometheus text format */
    public MetricsHandler(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && "/metrics".equals(path);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    @Override
    public List<String> listedPaths() {
        return List.of("/metrics");
    }
}

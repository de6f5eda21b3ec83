package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.Responses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Serves the health endpoints {@code /healthz}, {@code /livez} and {@code /readyz} as kube-apiserver does:
 * "ok" when every check passes, with {@code ?verbose} one {@code [+]name ok} line per check then
 * "{@code <endpoint> check passed}"; on any failure always verbose, {@code [-]name failed: reason withheld}
 * and "{@code <endpoint> check failed}" with code 500. {@code ?exclude=name} skips a check. Each check is
 * also served alone ({@code /readyz/etcd}, {@code /livez/ping}).
 */
public final class HealthHandler implements PathHandler {

    private static final String TEXT = "text/plain; charset=utf-8";

    private final Map<String, Map<String, BooleanSupplier>> endpoints = new LinkedHashMap<>();

    /**
     * @param etcdHealthy     whether storage answers; reported as the {@code etcd} check of every endpoint
     * @param storageHasSpace whether storage can write (false while its disk is full); the
     *                        {@code storage-space} check of {@code /readyz}
     * @param informersSynced whether the informers the request path reads have listed once; the
     *                        {@code informer-sync} check of {@code /readyz}, as kube's
     * @param crdsSynced      whether the CustomResourceDefinitions' informer has listed once (their custom
     *                        resources are served); kube's {@code poststarthook/crd-informer-synced} check
     * @param shuttingDown    whether the server is stopping; fails /readyz's {@code shutdown} check, as kube's
     */
    public HealthHandler(BooleanSupplier etcdHealthy, BooleanSupplier storageHasSpace,
                         BooleanSupplier informersSynced, BooleanSupplier crdsSynced,
                         BooleanSupplier shuttingDown) {
        BooleanSupplier ok = () -> true;
        Map<String, BooleanSupplier> basic = new LinkedHashMap<>();
        basic.put("ping", ok);
        basic.put("log", ok);
        basic.put("etcd", etcdHealthy);
        endpoints.put("healthz", basic);
        endpoints.put("livez", basic);
        Map<String, BooleanSupplier> ready = new LinkedHashMap<>(basic);
        ready.put("etcd-readiness", etcdHealthy);
        ready.put("informer-sync", informersSynced);
        ready.put("poststarthook/crd-informer-synced", crdsSynced);
        ready.put("storage-space", storageHasSpace);
        ready.put("shutdown", () -> !shuttingDown.getAsBoolean());
        endpoints.put("readyz", ready);
    }

    @Override
    public boolean matches(String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method) || path == null) {
            return false;
        }
        String[] p = path.replaceFirst("^/+", "").split("/", 2);
        return endpoints.containsKey(p[0]);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] p = path.replaceFirst("^/+", "").split("/", 2);
        Map<String, BooleanSupplier> checks = endpoints.get(p[0]);
        if (p.length == 1 || p[1].isEmpty()) {
            serveAll(request, response, p[0], checks);
            return;
        }
        BooleanSupplier check = checks.get(p[1]);
        if (check == null) {
            Responses.writeError(response, StatusError.notFoundPath());
            return;
        }
        if (check.getAsBoolean()) {
            write(request, response, 200, "ok");
        } else {
            write(request, response, 500, "internal server error: " + p[1] + " check failed\n");
        }
    }

    private static void serveAll(HttpServletRequest req, HttpServletResponse res, String name,
                                 Map<String, BooleanSupplier> checks) throws IOException {
        Set<String> excluded = new LinkedHashSet<>();
        String[] ex = req.getParameterValues("exclude");
        if (ex != null) {
            excluded.addAll(List.of(ex));
        }
        StringBuilder out = new StringBuilder();
        boolean failed = false;
        for (Map.Entry<String, BooleanSupplier> c : checks.entrySet()) {
            if (excluded.remove(c.getKey())) {
                out.append("[+]").append(c.getKey()).append(" excluded: ok\n");
                continue;
            }
            if (c.getValue().getAsBoolean()) {
                out.append("[+]").append(c.getKey()).append(" ok\n");
            } else {
                out.append("[-]").append(c.getKey()).append(" failed: reason withheld\n");
                failed = true;
            }
        }
        if (!excluded.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            excluded.forEach(e -> quoted.add("\"" + e + "\""));
            out.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", quoted)).append('\n');
        }
        if (failed) {
            write(req, res, 500, out + name + " check failed\n");
        } else if (req.getParameter("verbose") == null) {
            write(req, res, 200, "ok");
        } else {
            write(req, res, 200, out + name + " check passed\n");
        }
    }

    private static void write(HttpServletRequest req, HttpServletResponse res, int code, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        res.setStatus(code);
        res.setContentType(TEXT);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }

    /** Each endpoint and each of its checks: {@code /healthz}, {@code /healthz/etcd}, ... */
    @Override
    public List<String> listedPaths() {
        List<String> paths = new ArrayList<>();
        endpoints.forEach((name, checks) -> {
            paths.add("/" + name);
            checks.keySet().forEach(check -> paths.add("/" + name + "/" + check));
        });
        return paths;
    }
}

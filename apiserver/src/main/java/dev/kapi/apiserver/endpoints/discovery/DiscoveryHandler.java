package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.registry.ResourceRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Serves discovery: {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>} and
 * {@code /apis/<group>/<version>}. On {@code /api} and {@code /apis} a client that asks for
 * {@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList} (or {@code v2beta1}, as
 * kubectl up to 1.29 does) before plain JSON gets the aggregated document, with that exact media type as
 * its Content-Type (client-go checks it). Paths under {@code /api} or {@code /apis} naming no served
 * group or version get a 404 {@code Status}.
 */
public final class DiscoveryHandler implements PathHandler {

    static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
    static final String AGGREGATED_AS = "APIGroupDiscoveryList";

    private final ResourceRegistry registry;
    private final DiscoveryDocuments documents;

    public DiscoveryHandler(ResourceRegistry registry) {
        this.registry = registry;
        this.documents = new DiscoveryDocuments(registry);
    }

    @Override
    public boolean matches(String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        String[] parts = segments(path);
        if (parts.length == 0) {
            return false;
        }
        return (parts[0].equals("api") && parts.length <= 2) || (parts[0].equals("apis") && parts.length <= 3);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            serve(path, request, response);
        } catch (StatusError e) {
            Responses.writeError(response, e);
        }
    }

    private void serve(String path, HttpServletRequest req, HttpServletResponse res) throws IOException {
        String[] p = segments(path);
        boolean legacy = p[0].equals("api");
        if (p.length == 1) {
            Optional<String> aggregated = aggregatedVersion(req.getHeader("Accept"));
            res.setHeader("Vary", "Accept");
            if (aggregated.isPresent()) {
                String version = aggregated.get();
                writeAggregated(req, res, version, documents.aggregated(legacy, AGGREGATED_GROUP + "/" + version));
                return;
            }
            Responses.requireAcceptable(req);
            Responses.write(req, res, 200, legacy ? documents.apiVersions(serverAddress(req)) : documents.groupList());
            return;
        }
        Responses.requireAcceptable(req);
        Optional<? extends JsonNode> doc;
        if (legacy) {
            doc = documents.resourceList("", p[1]);
        } else if (p.length == 2) {
            doc = documents.group(p[1]);
        } else {
            doc = documents.resourceList(p[1], p[2]);
        }
        Responses.write(req, res, 200, doc.orElseThrow(StatusError::notFoundPath));
    }

    /**
     * The aggregated discovery version ({@code v2} or {@code v2beta1}) the Accept header asks for ahead
     * of any plain JSON, or empty when the client wants the unaggregated documents.
     */
    static Optional<String> aggregatedVersion(String accept) {
        for (MediaTypes.Entry e : MediaTypes.parseAccept(accept)) {
            if (e.params().containsKey("as") || e.params().containsKey("g")) {
                boolean json = e.type().equals(MediaTypes.JSON);
                String v = e.param("v");
                if (json && AGGREGATED_GROUP.equals(e.param("g")) && AGGREGATED_AS.equals(e.param("as"))
                        && ("v2".equals(v) || "v2beta1".equals(v))) {
                    return Optional.of(v);
                }
                continue;
            }
            if (e.isJsonLike()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static String aggregatedContentType(String version) {
        return MediaTypes.JSON + ";g=" + AGGREGATED_GROUP + ";v=" + version + ";as=" + AGGREGATED_AS;
    }

    /**
     * The aggregated document with kube's cache validators ({@code ServeHTTPWithETag}): an ETag of its contents,
     * {@code Cache-Control: public}, and 304 Not Modified, no body, when {@code If-None-Match} names that ETag.
     */
    private static void writeAggregated(HttpServletRequest req, HttpServletResponse res, String version,
                                        JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        String etag = "\"" + etag(bytes) + "\"";
        res.setHeader("ETag", etag);
        res.setHeader("Cache-Control", "public");
        if (etag.equals(req.getHeader("If-None-Match"))) {
            res.setStatus(304);
            return;
        }
        res.setStatus(200);
        res.setContentType(aggregatedContentType(version));
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }

    /** The uppercase hex SHA-512 of the document, as kube's {@code calculateETag} forms its ETag. */
    static String etag(byte[] document) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(document));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** host:port the client addressed, as kube reports it in {@code serverAddressByClientCIDRs}. */
    static String serverAddress(HttpServletRequest req) {
        String host = req.getServerName();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + req.getServerPort();
    }

    private static String[] segments(String path) {
        if (path == null) {
            return new String[0];
        }
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/");
    }

    /** {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/}, then each served group and group-version. */
    @Override
    public List<String> listedPaths() {
        List<String> paths = new ArrayList<>(List.of("/api", "/apis", "/apis/"));
        for (GroupVersions.Group group : GroupVersions.of(registry.snapshot().all())) {
            String prefix = group.name().isEmpty() ? "/api" : "/apis/" + group.name();
            if (!group.name().isEmpty()) {
                paths.add(prefix);
            }
            group.versions().forEach(version -> paths.add(prefix + "/" + version));
        }
        return paths;
    }
}

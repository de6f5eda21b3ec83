package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.registry.ResourceRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Serves OpenAPI v3 as kube-apiserver does: {@code GET /openapi/v3} (the index of documents) and
 * {@code GET /openapi/v3/api/v1}, {@code /openapi/v3/apis/<group>/<version>} (one document each).
 * Documents carry a quoted ETag (their hash) and answer {@code If-None-Match} with 304; a request with the
 * current {@code ?hash=} is marked immutable (cacheable for a year), one with a stale hash is redirected
 * (301) to the current URL. Only JSON is served: a client accepting only protobuf gets 406.
 * {@code /openapi/v2} is not served (404): kubectl 1.27+ and current clients read v3.
 */
public final class OpenApiHandler implements PathHandler {

    private static final String PREFIX = "/openapi/v3";

    private final OpenApiDocuments documents;

    public OpenApiHandler(ResourceRegistry registry) {
        this.documents = new OpenApiDocuments(registry);
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && path != null
                && (path.equals(PREFIX) || path.startsWith(PREFIX + "/") || path.equals("/openapi/v2"));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            serve(request, response);
        } catch (StatusError e) {
            Responses.writeError(response, e);
        }
    }

    private void serve(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getRequestURI();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            throw StatusError.notFoundPath();
        }
        String name = path.substring(PREFIX.length()).replaceAll("^/+|/+$", "");
        requireJson(req);
        if (name.isEmpty()) {
            res.setHeader("Cache-Control", "no-cache, private");
            write(req, res, 200, documents.index());
            return;
        }
        Optional<OpenApiDocuments.Document> doc = documents.document(name);
        if (doc.isEmpty()) {
            throw StatusError.notFoundPath();
        }
        String hash = doc.get().hash();
        String asked = req.getParameter("hash");
        if (asked != null && !asked.isEmpty()) {
            if (!asked.equals(hash)) {
                res.setStatus(301);
                res.setHeader("Location", PREFIX + "/" + name + "?hash=" + hash);
                return;
            }
            res.setHeader("Vary", "Accept");
            res.setHeader("Cache-Control", "public, immutable");
            res.setHeader("Expires", DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
        } else {
            res.setHeader("Cache-Control", "no-cache, private");
        }
        String etag = "\"" + hash + "\"";
        res.setHeader("ETag", etag);
        String ifNoneMatch = req.getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals("*"))) {
            res.setStatus(304);
            return;
        }
        write(req, res, 200, doc.get().json());
    }

    /** 406 unless JSON is acceptable (protobuf, the other type kube offers here, is not served). */
    private static void requireJson(HttpServletRequest req) {
        for (MediaTypes.Entry e : MediaTypes.parseAccept(req.getHeader("Accept"))) {
            if (e.type().equals(MediaTypes.JSON) || e.type().equals("application/*") || e.type().equals("*/*")) {
                return;
            }
        }
        throw StatusError.notAcceptable("the server was unable to respond with a content type that the client supports");
    }

    private static void write(HttpServletRequest req, HttpServletResponse res, int code, byte[] bytes)
            throws IOException {
        res.setStatus(code);
        res.setContentType(MediaTypes.JSON);
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }
}

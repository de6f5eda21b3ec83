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
import java.util.List;
import java.util.Optional;

/**
 * Serves OpenAPI v3 as kube-apiserver does: {@code GET /openapi/v3} (the index of documents) and
 * {@code GET /openapi/v3/api/v1}, {@code /openapi/v3/apis/<group>/<version>} (one document each).
 * Documents carry a quoted ETag (their hash) and answer {@code If-None-Match} with 304; a request with the
 * current {@code ?hash=} is marked immutable (cacheable for a year), one with a stale hash is redirected
 * (301) to the current URL. Only JSON is served: a client accepting only protobuf gets 406.
 * {@code GET /openapi/v2} serves the Swagger 2.0 document of all groups ({@link SwaggerDocument}) as JSON or,
 * for {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf} (what client-go's
 * {@code OpenAPISchema()} sends, used by kubectl up to 1.28 for apply and explain), as gnostic protobuf
 * ({@code Content-Type: application/com.github.proto-openapi.spec.v2.v1.0+protobuf}), with an ETag; like kube, the first acceptable Accept entry picks the format and none gives 406.
 */
public final class OpenApiHandler implements PathHandler {

    private static final String PREFIX = "/openapi/v3";

    private static final String V2 = "/openapi/v2";
    /** The media type of the gnostic protobuf v2 document (Go's mime parser rejects the {@code @} form). */
    public static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    /** The form client-go asks for; answered with {@link #V2_PROTOBUF}, as kube-apiserver does. */
    static final String V2_PROTOBUF_REQUESTED = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    private final OpenApiDocuments documents;
    private final SwaggerDocument swagger;

    public OpenApiHandler(ResourceRegistry registry) {
        this.documents = new OpenApiDocuments(registry);
        this.swagger = new SwaggerDocument(registry);
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && path != null
                && (path.equals(PREFIX) || path.startsWith(PREFIX + "/") || path.equals(V2));
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
        if (path.equals(V2)) {
            serveV2(req, res);
            return;
        }
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

    private void serveV2(HttpServletRequest req, HttpServletResponse res) throws IOException {
        boolean protobuf = false;
        boolean acceptable = false;
        for (MediaTypes.Entry e : MediaTypes.parseAccept(req.getHeader("Accept"))) {
            String t = e.type();
            if (t.equals(MediaTypes.JSON) || t.equals("application/*") || t.equals("*/*")) {
                acceptable = true;
                break;
            }
            if (t.equals(V2_PROTOBUF) || t.equals(V2_PROTOBUF_REQUESTED)) {
                acceptable = true;
                protobuf = true;
                break;
            }
        }
        if (!acceptable) {
            throw StatusError.notAcceptable("the server was unable to respond with a content type that the client supports");
        }
        SwaggerDocument.Bytes doc = swagger.bytes();
        String etag = "\"" + doc.hash() + "\"";
        res.setHeader("Vary", "Accept");
        res.setHeader("ETag", etag);
        String ifNoneMatch = req.getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals("*"))) {
            res.setStatus(304);
            return;
        }
        byte[] bytes = protobuf ? doc.protobuf() : doc.json();
        res.setStatus(200);
        res.setContentType(protobuf ? V2_PROTOBUF : MediaTypes.JSON);
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
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

    @Override
    public List<String> listedPaths() {
        return List.of(V2, PREFIX, PREFIX + "/");
    }
}

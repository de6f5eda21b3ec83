package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import dev.kapi.apiserver.api.yaml.KubeYaml;
import dev.kapi.apiserver.audit.AuditContext;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes response bodies: an object as JSON (or YAML, printed as kube-apiserver prints it, when the client
 * prefers {@code application/yaml}), and every error as a {@code Status} with its HTTP code. Protobuf is not served; clients that list JSON
 * as an alternative get JSON, others get 406.
 */
public final class Responses {

    private Responses() {
    }

    /** Writes {@code body} with {@code code}, choosing JSON or YAML from the request's Accept header. */
    public static void write(HttpServletRequest req, HttpServletResponse res, int code, Object body)
            throws IOException {
        write(req, res, code, body, req.getHeader("Accept"));
    }

    /** As {@link #write(HttpServletRequest, HttpServletResponse, int, Object)}, the Accept header already read. */
    public static void write(HttpServletRequest req, HttpServletResponse res, int code, Object body, String accept)
            throws IOException {
        write(req, res, code, body, prefersYaml(accept));
    }

    /** As {@link #write(HttpServletRequest, HttpServletResponse, int, Object)}, the media type already negotiated. */
    public static void write(HttpServletRequest req, HttpServletResponse res, int code, Object body, boolean yaml)
            throws IOException {
        AuditContext.of(req).responseObject(() -> body);
        byte[] bytes = yaml ? KubeYaml.write(Json.tree(body)).getBytes(StandardCharsets.UTF_8) : Json.bytes(body);
        res.setStatus(code);
        res.setContentType(yaml ? MediaTypes.YAML : MediaTypes.JSON);
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Writes JSON bytes already encoded (an object's served JSON); the audit log, when it records responses,
     * gets the object {@code auditBody} supplies.
     */
    public static void writeJson(HttpServletRequest req, HttpServletResponse res, int code, byte[] bytes,
                                 Supplier<?> auditBody) throws IOException {
        AuditContext.of(req).responseObject(auditBody);
        res.setStatus(code);
        res.setContentType(MediaTypes.JSON);
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }

    /** Writes a failure {@code Status} in the media type the request negotiates (JSON or YAML). */
    public static void writeError(HttpServletRequest req, HttpServletResponse res, StatusError error)
            throws IOException {
        StatusResponses.write(req, res, error.status());
    }

    /** Writes a failure {@code Status} as JSON. */
    public static void writeError(HttpServletResponse res, StatusError error) throws IOException {
        writeStatus(res, error.status());
    }

    public static void writeStatus(HttpServletResponse res, Status status) throws IOException {
        StatusResponses.write(res, status);
    }

    /** Whether the first acceptable type the client lists is YAML. */
    public static boolean prefersYaml(HttpServletRequest req) {
        return prefersYaml(req.getHeader("Accept"));
    }

    /** Whether the first acceptable type an Accept header lists is YAML. */
    public static boolean prefersYaml(String accept) {
        for (MediaTypes.Entry e : MediaTypes.parseAccept(accept)) {
            if (e.type().equals(MediaTypes.YAML)) {
                return true;
            }
            if (e.isJsonLike()) {
                return false;
            }
        }
        return false;
    }

    /**
     * Fails with 406 unless the client accepts JSON (or YAML, or anything). A protobuf-only client is
     * refused, since this server speaks JSON.
     */
    public static void requireAcceptable(HttpServletRequest req) {
        List<MediaTypes.Entry> accept = MediaTypes.parseAccept(req.getHeader("Accept"));
        for (MediaTypes.Entry e : accept) {
            if (e.isJsonLike() || e.type().equals("application/json;stream=watch")) {
                return;
            }
        }
        throw StatusError.notAcceptable("the server was unable to respond with a content type that the client supports");
    }
}

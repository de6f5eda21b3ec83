package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes response bodies: an object as JSON (or YAML when the client prefers {@code application/yaml}),
 * and every error as a {@code Status} with its HTTP code. Protobuf is not served; clients that list JSON
 * as an alternative get JSON, others get 406.
 */
public final class Responses {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

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
        boolean yaml = prefersYaml(accept);
        byte[] bytes = yaml ? YAML.writeValueAsBytes(Json.tree(body)) : Json.bytes(body);
        res.setStatus(code);
        res.setContentType(yaml ? MediaTypes.YAML : MediaTypes.JSON);
        res.setContentLength(bytes.length);
        if (!"HEAD".equals(req.getMethod())) {
            try (OutputStream out = res.getOutputStream()) {
                out.write(bytes);
            }
        }
    }

    /** Writes a failure {@code Status} (always JSON, as kube-apiserver does for errors). */
    public static void writeError(HttpServletResponse res, StatusError error) throws IOException {
        writeStatus(res, error.status());
    }

    public static void writeStatus(HttpServletResponse res, Status status) throws IOException {
        dev.kapi.apiserver.api.StatusResponses.write(res, status);
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

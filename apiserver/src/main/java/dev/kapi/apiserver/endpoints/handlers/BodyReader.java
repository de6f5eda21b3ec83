package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.endpoints.MediaTypes;
import jakarta.servlet.http.HttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies with kube-apiserver's limit: 3 MiB, checked while reading (and up front from
 * Content-Length), so an oversized body is refused with 413 before anything parses it. The body read is handed
 * to the request's audit event (recorded from the Request level).
 */
public final class BodyReader {

    /** kube-apiserver's {@code MaxRequestBodyBytes}: 3 MiB. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private BodyReader() {
    }

    public static byte[] read(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = declared > 0 ? readDeclared(in, (int) declared) : readAll(in, new ByteArrayOutputStream(4096));
        }
        AuditContext.of(req).requestBody(body, req.getContentType());
        return body;
    }

    /**
     * Reads a body of a declared length into an array of that size (most bodies are small; no copy buffer);
     * a body longer than declared goes on as {@link #readAll}, a shorter one is what was sent.
     */
    private static byte[] readDeclared(InputStream in, int declared) throws IOException {
        byte[] body = new byte[declared];
        int filled = 0;
        while (filled < declared) {
            int n = in.read(body, filled, declared - filled);
            if (n < 0) {
                return java.util.Arrays.copyOf(body, filled);
            }
            filled += n;
        }
        int next = in.read();
        if (next < 0) {
            return body;
        }
        if (declared + 1 > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared + 4096);
        out.write(body);
        out.write(next);
        return readAll(in, out);
    }

    private static byte[] readAll(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static StatusError tooLarge() {
        return StatusError.requestEntityTooLarge("Request entity too large: limit is " + MAX_BODY_BYTES);
    }

    /** Whether a create/update body's Content-Type is one this server decodes (JSON or YAML). */
    public static boolean isYaml(HttpServletRequest req) {
        MediaTypes.Entry type = MediaTypes.parse(req.getContentType());
        if (type == null || type.type().equals(MediaTypes.JSON) || type.type().equals("*/*")) {
            return false;
        }
        if (type.type().equals(MediaTypes.YAML) || type.type().equals("application/x-yaml")
                || type.type().equals("text/yaml")) {
            return true;
        }
        throw StatusError.unsupportedMediaType(req.getContentType());
    }
}

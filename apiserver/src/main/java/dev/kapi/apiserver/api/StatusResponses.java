package dev.kapi.apiserver.api;

import dev.kapi.apiserver.api.yaml.KubeYaml;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes a {@code Status} with its code; every stage uses it for its errors. As kube-apiserver's
 * {@code ErrorNegotiated}, the Status is YAML when the client's first plain media type (one without an
 * {@code as=} conversion, which errors never get) is {@code application/yaml}, and JSON otherwise; a Status whose
 * details ask the client to retry after some seconds also says so in a {@code Retry-After} header.
 */
public final class StatusResponses {

    /** The request attribute holding the Status a request was answered with (the audit event's responseStatus). */
    public static final String WRITTEN = StatusResponses.class.getName() + ".written";

    private static final String JSON = "application/json";
    private static final String YAML = "application/yaml";

    private StatusResponses() {
    }

    /** Writes {@code status} in the media type the request's Accept header negotiates. */
    public static void write(HttpServletRequest req, HttpServletResponse res, Status status) throws IOException {
        if (!res.isCommitted()) {
            req.setAttribute(WRITTEN, status);
        }
        write(res, status, yamlRequested(req.getHeader("Accept")));
    }

    /** Writes {@code status} as JSON (where no request is at hand). */
    public static void write(HttpServletResponse res, Status status) throws IOException {
        write(res, status, false);
    }

    private static void write(HttpServletResponse res, Status status, boolean yaml) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        byte[] bytes = yaml ? KubeYaml.write(Json.tree(status)).getBytes(StandardCharsets.UTF_8) : Json.bytes(status);
        res.setStatus(status.getCode() == null ? 500 : status.getCode());
        Integer retryAfter = status.getDetails() == null ? null : status.getDetails().getRetryAfterSeconds();
        if (retryAfter != null && retryAfter > 0) {
            res.setHeader("Retry-After", Integer.toString(retryAfter)); // as kube's ErrorNegotiated
        }
        res.setContentType(yaml ? YAML : JSON);
        res.setContentLength(bytes.length);
        OutputStream out = res.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Whether the first Accept entry a Status can be written in is {@code application/yaml}. */
    static boolean yamlRequested(String accept) {
        if (accept == null) {
            return false;
        }
        for (String entry : accept.split(",")) {
            String[] parts = entry.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean converted = false;
            for (int i = 1; i < parts.length; i++) {
                converted |= parts[i].trim().toLowerCase(Locale.ROOT).startsWith("as=");
            }
            if (converted) {
                continue;
            }
            if (type.equals(YAML)) {
                return true;
            }
            if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*")) {
                return false;
            }
        }
        return false;
    }
}

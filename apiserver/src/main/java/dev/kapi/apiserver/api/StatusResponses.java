package dev.kapi.apiserver.api;

import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;

/** Writes a {@code Status} as a JSON response with its code; every stage uses it for its errors. */
public final class StatusResponses {

    private StatusResponses() {
    }

    public static void write(HttpServletResponse res, Status status) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        byte[] bytes = Json.bytes(status);
        res.setStatus(status.getCode() == null ? 500 : status.getCode());
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        OutputStream out = res.getOutputStream();
        out.write(bytes);
        out.flush();
    }
}
